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
import org.bulwark.config.Vocabulary;
import org.junit.jupiter.api.Test;

class ParameterReferenceTest {

    private static final Path COMMITTED = Path.of(ParameterReference.FILE);

    @Test
    void committedReferencePageIsTheOneTheRegistryMakesToday() throws IOException {
        String current = ParameterReference.markdown();
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
        String page = ParameterReference.markdown();

        for (Parameter p : Parameters.all()) {
            assertThat(page).contains("| `" + p.name() + "` |");
        }
        assertThat(page).contains("| `smtpd_banner` | implemented | string | `$myhostname ESMTP $mail_name` |",
                "| `myhostname` | implemented | string | *computed from this host* |",
                "| `relay_domains` | implemented | list | *(empty)* |");
    }

    @Test
    void everyPostfixNameHasItsStateAndWhatToDoInstead() {
        String page = ParameterReference.markdown();

        assertThat(page).contains("| `smtpd_upstream_proxy_protocol` | implemented | string | *(empty)* |",
                "| `smtpd_proxy_filter` | refused |  | *(empty)* | Bulwark has no before-queue (smtpd_proxy_filter) content filter", "| `biff` | ignored | boolean | `yes` |", "| `postscreen` | implemented |",
                "| `qmqpd` | refused | Bulwark has no QMQP server", "| `reject_unknown_address` | refused |", "| `reject_unverified_recipient` | implemented |", "| `lmtp` | implemented |",
                "| `cleanup` | internal |");
        for (Vocabulary.Entry e : Vocabulary.all(Vocabulary.Kind.PARAMETER)) {
            assertThat(page).contains("| `" + e.name() + "` |");
        }
        long parameterRows = page.substring(0, page.indexOf("\n## ")).lines().filter(line -> line.startsWith("| `")).count();
        assertThat(parameterRows).isEqualTo(ParameterReference.parameterNames().size()).isGreaterThan(900);
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
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(ParameterReference.markdown());
    }
}
