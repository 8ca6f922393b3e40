package org.bulwark.cli;

import org.bulwark.config.ConfigException;
import picocli.CommandLine;

/**
 * Turns exceptions that reach the command line into one readable line on standard error, in
 * Postfix's {@code bulwark: fatal: ...} form. Only an unexpected failure shows its type.
 */
final class OperatorErrors implements CommandLine.IExecutionExceptionHandler {

    static final int EXIT_CONFIG = 78;
    static final int EXIT_FAILURE = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        return report(e);
    }

    /** Prints the line and returns the exit status. */
    static int report(Exception e) {
        if (e instanceof ConfigException) {
            System.err.println("bulwark: fatal: " + e.getMessage());
            return EXIT_CONFIG;
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (!(e instanceof java.io.IOException) && !(e instanceof IllegalArgumentException)) {
            message = e.getClass().getSimpleName() + ": " + message;
        }
        System.err.println("bulwark: fatal: " + message);
        return EXIT_FAILURE;
    }
}
