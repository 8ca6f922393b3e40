package org.bulwark.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code -c DIR} option, like {@code postfix -c}: accepted before the subcommand
 * ({@code bulwark -c DIR start-fg}) or after it. Without it: {@code BULWARK_CONFIG_DIR}, else
 * {@code conf} in the working directory.
 */
public final class ConfigDirectory {

    @Option(names = "-c", paramLabel = "DIR", description = "configuration directory (default: $BULWARK_CONFIG_DIR or ./conf)")
    Path directory;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    public Path resolve() {
        Path chosen = directory;
        // "bulwark -c DIR log summary": the option belongs to the root, however deep the subcommand.
        for (CommandSpec parent = mixee == null ? null : mixee.parent(); chosen == null && parent != null;
                parent = parent.parent()) {
            if (parent.userObject() instanceof Bulwark root) {
                chosen = root.configDirectory;
            }
        }
        if (chosen == null) {
            String env = System.getenv("BULWARK_CONFIG_DIR");
            chosen = Path.of(env != null && !env.isEmpty() ? env : "conf");
        }
        return chosen.toAbsolutePath().normalize();
    }
}
