package org.bulwark.config;

import java.nio.file.Path;

/**
 * A configuration problem the operator must fix: where it is (file and line, when known) and what
 * to do. Its message is shown to the operator as it is, never with a stack trace.
 */
public final class ConfigException extends RuntimeException {

    private final Path file;
    private final int line;

    public ConfigException(Path file, int line, String message) {
        super(message);
        this.file = file;
        this.line = line;
    }

    public ConfigException(String message) {
        this(null, 0, message);
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }

    /** {@code file, line N: message}, as Postfix words a configuration error. */
    @Override
    public String getMessage() {
        if (file == null) {
            return super.getMessage();
        }
        return line > 0 ? file + ", line " + line + ": " + super.getMessage() : file + ": " + super.getMessage();
    }

    /**
     * This error with the main.cf line of the parameter its message names, when it has no place
     * of its own: components that check a value after loading (restrictions, tables) know the
     * parameter but not the line.
     */
    public ConfigException locatedIn(Config config) {
        if (file != null) {
            return this;
        }
        String message = super.getMessage();
        for (String word : message.split("[^A-Za-z0-9_]+")) {
            if (word.contains("_") && config.isSet(word)) {
                java.util.Optional<String> where = config.whereSet(word);
                if (where.isPresent()) {
                    ConfigException located = new ConfigException(where.get() + ": " + message);
                    located.setStackTrace(getStackTrace());
                    return located;
                }
            }
        }
        return this;
    }
}
