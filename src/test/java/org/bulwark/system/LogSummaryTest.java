package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bulwark.cli.Bulwark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark log summary} and the real pflogsumm read the maillog a real system wrote: two
 * messages delivered (one to two recipients), a relay attempt and an unknown recipient rejected.
 */
class LogSummaryTest {

    private static final String PFLOGSUMM = "/usr/sbin/pflogsumm";

    @TempDir
    Path root;

    private Path produceMaillog() throws Exception {
        try (MailSystemFixture system = new MailSystemFixture(root)) {
            system.start();
            try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.1")) {
                smtp.reply();
                smtp.command("EHLO client.example.net");
                send(smtp, "carol@sender.example", "alice@example.test", "bob@example.test");
                send(smtp, "carol@sender.example", "alice@example.test");
                smtp.command("MAIL FROM:<carol@sender.example>");
                assertThat(smtp.command("RCPT TO:<nobody@example.test>")).startsWith("550");
                smtp.command("RSET");
                smtp.command("QUIT");
            }
            // A client outside mynetworks may not relay.
            try (SmtpDialogue outsider = new SmtpDialogue(system.port(), "127.0.0.2")) {
                outsider.reply();
                outsider.command("EHLO outsider.example.net");
                outsider.command("MAIL FROM:<spam@outsider.example>");
                assertThat(outsider.command("RCPT TO:<victim@elsewhere.example>")).startsWith("554");
                outsider.command("QUIT");
            }
            system.awaitDelivered("alice", 2);
            system.awaitDelivered("bob", 1);
        }
        return root.resolve("var/log/maillog");
    }

    private static void send(SmtpDialogue smtp, String from, String... to) throws Exception {
        assertThat(smtp.command("MAIL FROM:<" + from + ">")).startsWith("250");
        for (String rcpt : to) {
            assertThat(smtp.command("RCPT TO:<" + rcpt + ">")).startsWith("250");
        }
        assertThat(smtp.command("DATA")).startsWith("354");
        assertThat(smtp.command("Subject: test\r\n\r\nhello\r\n.")).startsWith("250");
    }

    @Test
    void summaryCountsWhatTheSystemLogged() throws Exception {
        Path maillog = produceMaillog();
        String report = run("log", "summary", maillog.toString());
        assertThat(report).containsPattern("\\s2   received")
                .containsPattern("\\s3   delivered")
                .containsPattern("\\s0   deferred")
                .containsPattern("\\s2   rejected")
                .containsPattern("\\s2   carol@sender\\.example")
                .containsPattern("\\s2   alice@example\\.test")
                .containsPattern("\\s1   bob@example\\.test")
                .containsPattern("\\s1   554 Relay access denied")
                .contains("550 Recipient address rejected");
    }

    @Test
    void pflogsummReadsOurMaillog() throws Exception {
        assertThat(Path.of(PFLOGSUMM)).as("pflogsumm is needed: apt-get install pflogsumm").isExecutable();
        Path maillog = produceMaillog();
        var result = MailSystemFixture.run(List.of(PFLOGSUMM, "--syslog-name=bulwark", "--problems-first",
                maillog.toString()), null);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).containsPattern("\\s2   received")
                .containsPattern("\\s3   delivered")
                .containsPattern("\\s2   rejected")
                .contains("carol@sender.example")
                .contains("Relay access denied");
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(Bulwark.commandLine().execute(args)).isZero();
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
