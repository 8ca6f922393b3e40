package org.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HelpTest {

    /** Every command path below {@code bulwark}, as the words one types: "dkim keygen", "log summary". */
    private static List<List<String>> commandPaths(CommandLine command, List<String> prefix) {
        List<List<String>> paths = new ArrayList<>();
        command.getSubcommands().forEach((name, sub) -> {
            List<String> path = new ArrayList<>(prefix);
            path.add(name);
            paths.add(path);
            paths.addAll(commandPaths(sub, path));
        });
        return paths;
    }

    @Test
    void everyCommandAnswersHelpWithItsUsageAndExitZero() {
        List<List<String>> paths = commandPaths(Bulwark.commandLine(), List.of());
        assertThat(paths).extracting(p -> String.join(" ", p))
                .contains("start-fg", "status", "postconf", "sendmail", "doctor", "log summary", "dkim keygen",
                        "passwd hash", "reload");
        for (List<String> path : paths) {
            CommandLine cl = Bulwark.commandLine();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            List<String> args = new ArrayList<>(path);
            args.add("--help");

            int status = cl.execute(args.toArray(String[]::new));

            String name = String.join(" ", path);
            assertThat(status).as("exit status of bulwark %s --help; stderr: %s", name, err).isZero();
            assertThat(out.toString()).as("bulwark %s --help", name)
                    .startsWith("Usage: bulwark " + name)
                    .contains("--help");
            assertThat(err.toString()).as("stderr of bulwark %s --help", name).isEmpty();
        }
    }

    @Test
    void postfixStyleDashHStillMeansValuesOnlyForPostconf() {
        java.io.PrintStream saved = System.out;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            status = Bulwark.commandLine().execute("postconf", "-d", "-h", "mail_name");
        } finally {
            System.setOut(saved);
        }

        assertThat(status).isZero();
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("Bulwark\n");
    }
}
