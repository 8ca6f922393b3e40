package org.bulwark.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.bulwark.sasl.PasswordScheme;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bulwark passwd ...}: password-file chores. */
@Command(name = "passwd", description = "Password tools for the built-in SASL passwd-file.",
        subcommands = PasswdCommand.Hash.class)
final class PasswdCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * {@code bulwark passwd hash [-s SCHEME] [-p PASSWORD]}: prints {@code {SCHEME}hash} as
     * {@code doveadm pw} does. Without -p the password is asked twice on the terminal, or read as
     * one line from standard input.
     */
    @Command(name = "hash", description = "Print a password hash for a passwd-file line, like doveadm pw.")
    static final class Hash implements Callable<Integer> {

        @Option(names = "-s", paramLabel = "SCHEME", defaultValue = "SHA512-CRYPT",
                description = "SHA512-CRYPT (default), SHA256-CRYPT, BLF-CRYPT, ARGON2ID, SCRAM-SHA-256 or PLAIN")
        String scheme;

        @Option(names = "-p", paramLabel = "PASSWORD", description = "the password (visible to other users in ps)")
        String password;

        @Override
        public Integer call() throws Exception {
            PasswordScheme chosen = PasswordScheme.named(scheme)
                    .orElseThrow(() -> new IllegalArgumentException(DaemonTexts.unknownScheme(scheme)));
            String secret = password != null ? password : readPassword();
            if (secret == null || secret.isEmpty()) {
                throw new IllegalArgumentException(DaemonTexts.emptyPassword());
            }
            System.out.println(chosen.hash(secret));
            return 0;
        }

        private static String readPassword() throws java.io.IOException {
            Console console = System.console();
            if (console != null && interactive(console)) {
                char[] first = console.readPassword(DaemonTexts.enterPassword());
                char[] second = console.readPassword(DaemonTexts.retypePassword());
                if (first == null || !Arrays.equals(first, second)) {
                    throw new IllegalArgumentException(DaemonTexts.passwordsDiffer());
                }
                return new String(first);
            }
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }

        /** Console.isTerminal() exists from Java 22; on 21 a console means a terminal. */
        private static boolean interactive(Console console) {
            try {
                return (boolean) Console.class.getMethod("isTerminal").invoke(console);
            } catch (ReflectiveOperationException e) {
                return true;
            }
        }
    }
}
