package org.bulwark.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code -c DIR} option shared by every subcommand, like {@code postfix -c}: the configuration
 * directory, else {@code BULWARK_CONFIG_DIR}, else {@code conf} in the working directory.
 */
public final class ConfigDirectory {

    @Option(names = "-c", paramLabel = "DIR", description = "configuration directory (default: $BULWARK_CONFIG_DIR or ./conf)")
    Path directory;

    public Path resolve() {
        if (directory != null) {
            return directory.toAbsolutePath().normalize();
        }
        String env = System.getenv("BULWARK_CONFIG_DIR");
        return Path.of(env != null && !env.isEmpty() ? env : "conf").toAbsolutePath().normalize();
    }
}
