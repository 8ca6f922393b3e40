package org.bulwark.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's "Coming from Postfix" table names every parameter the guides set (their main.cf
 * lines, their master.cf {@code -o} options), and for each one Bulwark warns about, the warning's
 * own text (from the vocabulary, so the two cannot drift apart).
 */
class ComingFromPostfixTest {

    /** Unicode white space: the lines copied from web pages hold non-breaking spaces. */
    private static final Pattern MAIN_CF_NAME = Pattern.compile("^\\s*([A-Za-z0-9_]+)\\s*=",
            Pattern.MULTILINE | Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern OPTION = Pattern.compile("-o\\s+([A-Za-z0-9_]+)=");
    private static final Pattern ROW = Pattern.compile("^\\| `([A-Za-z0-9_]+)`[^|]*\\| (.*) \\|$", Pattern.MULTILINE);
    private static final List<String> GUIDES = List.of("guide-000", "guide-001", "guide-002", "guide-003", "guide-004");

    private static Path resource(String name) {
        try {
            return Path.of(Objects.requireNonNull(ComingFromPostfixTest.class.getResource(name)).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every parameter name the guides set, and where: main.cf lines and master.cf -o options. */
    private static Map<String, String> guideParameters() throws IOException {
        Map<String, String> names = new LinkedHashMap<>();
        List<Path> masterFiles = new java.util.ArrayList<>(List.of(resource("/guides/submission-options.cf")));
        for (String guide : GUIDES) {
            Path dir = resource("/config/seeds/" + guide);
            Matcher m = MAIN_CF_NAME.matcher(Files.readString(dir.resolve("main.cf")));
            while (m.find()) {
                names.putIfAbsent(m.group(1), "main.cf");
            }
            if (Files.exists(dir.resolve("master.cf"))) {
                masterFiles.add(dir.resolve("master.cf"));
            }
        }
        for (Path file : masterFiles) {
            Matcher m = OPTION.matcher(Files.readString(file));
            while (m.find()) {
                names.putIfAbsent(m.group(1), "master.cf");
            }
        }
        return names;
    }

    /** The table's rows: parameter name to what Bulwark does with it. */
    private static Map<String, String> readmeTable() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("## Coming from Postfix");
        assertThat(start).as("README section \"Coming from Postfix\"").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = ROW.matcher(section);
        while (m.find()) {
            rows.put(m.group(1), m.group(2));
        }
        return rows;
    }

    @Test
    void everyParameterTheGuidesSetIsInTheTable() throws IOException {
        Map<String, String> guide = guideParameters();

        assertThat(guide).as("parameters found in the guides' lines").hasSizeGreaterThan(40)
                .containsKeys("myorigin", "policy_time_limit", "tls_random_source", "milter_macro_daemon_name");
        assertThat(new TreeSet<>(readmeTable().keySet())).containsAll(guide.keySet());
    }

    @Test
    void everyParameterBulwarkWarnsAboutShowsTheWarningsText() throws IOException {
        Map<String, String> table = readmeTable();
        for (Vocabulary.Entry entry : Vocabulary.all(Vocabulary.Kind.PARAMETER)) {
            if (table.containsKey(entry.name()) && entry.state() instanceof Vocabulary.Ignored ignored) {
                assertThat(table.get(entry.name())).as(entry.name())
                        .contains("`" + ConfigTexts.ignored(entry.name(), ignored.why()) + "`");
            }
        }
    }

    @Test
    void theTableSaysWarningExactlyForTheParametersThatWarn() throws IOException {
        Map<String, String> table = readmeTable();
        for (Map.Entry<String, String> p : guideParameters().entrySet()) {
            boolean warns = Vocabulary.parameter(p.getKey()).map(e -> e.state() instanceof Vocabulary.Ignored)
                    .orElse(false);
            assertThat(table.get(p.getKey())).as(p.getKey())
                    .matches(warns ? "(?s).*\\bwarn.*" : "(?s)^(implemented|the time limit).*");
        }
    }
}
