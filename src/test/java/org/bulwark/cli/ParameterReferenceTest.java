package org.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bulwark.config.Parameter;
import org.bulwark.config.Parameters;
import org.junit.jupiter.api.Test;

class ParameterReferenceTest {

    private static final Path COMMITTED = Path.of(ParameterReference.FILE);

    @Test
    void committedReferencePageIsTheOneTheRegistryMakesToday() throws IOException {
        String current = ParameterReference.markdown(Parameters.all());
        String committed = Files.exists(COMMITTED) ? Files.readString(COMMITTED, StandardCharsets.UTF_8) : "";
        if (!committed.equals(current)) {
            // Leave the page where the fix is one copy away.
            Path fresh = Path.of("target", "parameters.md");
            Files.createDirectories(fresh.getParent());
            Files.writeString(fresh, current, StandardCharsets.UTF_8);
        }

        assertThat(committed)
                .as("%s is out of date with config/Parameters.java: cp target/parameters.md %s "
                        + "(or bulwark postconf --markdown > %s)", COMMITTED, COMMITTED, COMMITTED)
                .isEqualTo(current);
    }

    @Test
    void everyParameterHasARowWithItsDefault() {
        String page = ParameterReference.markdown(Parameters.all());

        for (Parameter p : Parameters.all()) {
            assertThat(page).contains("| `" + p.name() + "` |");
        }
        assertThat(page).contains("| `smtpd_banner` | string | `$myhostname ESMTP $mail_name` |",
                "| `myhostname` | string | *computed from this host* |",
                "| `relay_domains` | list | *(empty)* |");
        assertThat(page.lines().filter(line -> line.startsWith("| `")).count()).isEqualTo(Parameters.all().size());
    }

    @Test
    void postconfMarkdownPrintsThePage() {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            status = Bulwark.commandLine().execute("postconf", "-d", "--markdown");
        } finally {
            System.setOut(saved);
        }

        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(ParameterReference.markdown(Parameters.all()));
    }
}
