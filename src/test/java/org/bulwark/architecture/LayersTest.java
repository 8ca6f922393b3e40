package org.bulwark.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The layers of DESIGN.md: a package may import only from packages of a lower layer (and from
 * itself and its own subpackages). A wrong arrow fails the build. The command line sits above the
 * composition root, since {@code start-fg} runs it.
 */
class LayersTest {

    private static final String ROOT = "org.bulwark.";

    static final Map<String, Integer> LAYERS = Map.ofEntries(
            Map.entry("mail", 1), Map.entry("util", 1), Map.entry("log", 1),
            Map.entry("queue", 2), Map.entry("config", 2), Map.entry("protocol", 2),
            Map.entry("table", 3), Map.entry("dns", 3), Map.entry("tls", 3), Map.entry("sasl", 3),
            Map.entry("policy", 3), Map.entry("spawn", 3), Map.entry("bounce", 3), Map.entry("milter", 3),
            Map.entry("rewrite", 4), Map.entry("mailauth", 4), Map.entry("anvil", 4), Map.entry("verify", 4),
            Map.entry("cleanup", 5), Map.entry("restrict", 5),
            Map.entry("smtpd", 6), Map.entry("pickup", 6), Map.entry("qmgr", 6), Map.entry("delivery", 6),
            // postscreen hands the clients it passed to smtpd: it sits on smtpd.
            Map.entry("postscreen", 7),
            Map.entry("master", 8),
            Map.entry("cli", 9));

    private final JavaClasses production = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.bulwark");

    @Test
    void everyPackageHasALayer() {
        classes().should(new ArchCondition<JavaClass>("belong to a package listed in DESIGN.md's layers") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                if (component(item.getPackageName()) == null || !LAYERS.containsKey(component(item.getPackageName()))) {
                    events.add(SimpleConditionEvent.violated(item, item.getName() + " is in no layer"));
                }
            }
        }).check(production);
    }

    @Test
    void packagesImportOnlyFromLowerLayers() {
        classes().should(new ArchCondition<JavaClass>("depend only on lower layers") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                String from = component(item.getPackageName());
                for (Dependency d : item.getDirectDependenciesFromSelf()) {
                    String to = component(d.getTargetClass().getPackageName());
                    if (to == null || to.equals(from) || !LAYERS.containsKey(from) || !LAYERS.containsKey(to)) {
                        continue;
                    }
                    if (LAYERS.get(to) >= LAYERS.get(from)) {
                        events.add(SimpleConditionEvent.violated(item, d.getDescription()
                                + " goes from layer " + LAYERS.get(from) + " (" + from + ") to layer "
                                + LAYERS.get(to) + " (" + to + ")"));
                    }
                }
            }
        }).check(production);
    }

    /** The top-level component of a package under org.bulwark, or null for foreign packages. */
    private static String component(String packageName) {
        if (!packageName.startsWith(ROOT)) {
            return null;
        }
        String rest = packageName.substring(ROOT.length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }
}
