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
}
