package org.bulwark.config;

import java.nio.file.Path;

/** Reads {@code main.cf} and {@code master.cf} from a configuration directory. */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * Reads and validates both files. Unknown parameters become warnings with file:line.
     *
     * @throws ConfigException with file:line for a missing file, bad value or malformed line
     */
    public static LoadedConfig load(Path configDirectory) {
        throw new UnsupportedOperationException("not built yet");
    }
}
