package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.attribute.PosixFilePermissions;
import org.bulwark.cli.Bulwark;
import org.bulwark.sasl.PasswordScheme;
import org.bulwark.testing.Peers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark log summary}, the real pflogsumm and fail2ban's stock postfix filter read the
 * maillog a real system wrote: two messages delivered (one to two recipients), an unknown
 * recipient and a relay attempt rejected, a failed AUTH. pflogsumm runs without options and
 * fail2ban-regex with Debian's filter file, as their stock setups read a Postfix maillog.
 */
class LogSummaryTest {

    private static final String PFLOGSUMM = "/usr/sbin/pflogsumm";
    private static final String POSTFIX_FILTER = Tools.POSTFIX_FILTER;

    @TempDir
    Path root;

    private Path produceMaillog() throws Exception {
        try (MailSystemFixture system = new MailSystemFixture(root)) {
            Path passwd = system.conf.resolve("sasl-passwd");
            Files.writeString(passwd, "alice@example.test:" + PasswordScheme.ARGON2ID.hash("wonderland") + "\n");
            Files.setPosixFilePermissions(passwd, PosixFilePermissions.fromString("rw-------"));
            system.set("smtpd_sasl_auth_enable", "yes").set("smtpd_sasl_type", "builtin")
                    .set("smtpd_sasl_path", passwd.toString());
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
            // A password guesser from a third address.
            var guess = MailSystemFixture.run(List.of(Peers.swaks(), "--server", "127.0.0.1", "--port",
                    Integer.toString(system.port()), "--local-interface", "127.0.0.3", "--helo", "guesser.example.net",
                    "--from", "alice@example.test", "--to", "friend@elsewhere.example", "--auth", "PLAIN",
                    "--auth-user", "alice@example.test", "--auth-password", "guessed", "--timeout", "20"), null);
            assertThat(guess.output()).contains("535 5.7.8 Error: authentication failed");
            system.awaitLog("SASL PLAIN authentication failed");
            system.awaitLog("disconnect from unknown[127.0.0.3]");
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

    /** Debian's pflogsumm without options, as a stock cron job runs it. */
    @Test
    void pflogsummWithoutOptionsReadsOurMaillog() throws Exception {
        assertThat(Path.of(PFLOGSUMM)).as("pflogsumm is needed: apt-get install pflogsumm").isExecutable();
        Path maillog = produceMaillog();
        var result = MailSystemFixture.run(List.of(PFLOGSUMM, maillog.toString()), null);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).containsPattern("\\s2   received")
                .containsPattern("\\s3   delivered")
                .containsPattern("\\s0   deferred")
                .containsPattern("\\s0   bounced")
                .containsPattern("\\s2   rejected")
                .containsPattern("\\s2   carol@sender\\.example")
                .contains("Relay access denied")
                .contains("User unknown");
    }

    /**
     * fail2ban-regex with Debian's filter.d/postfix.conf in the modes its stock jails use: the
     * {@code postfix} jail (mode more) bans the relay prober and the address guesser, the
     * {@code postfix-sasl} jail (mode auth) the password guesser, and mode aggressive all three.
     */
    @Test
    void fail2bansStockPostfixFilterMatchesOurMaillog() throws Exception {
        Path maillog = produceMaillog();

        assertThat(Tools.fail2banMatches(maillog, POSTFIX_FILTER)).containsExactlyInAnyOrder("127.0.0.1", "127.0.0.2");
        assertThat(Tools.fail2banMatches(maillog, POSTFIX_FILTER + "[mode=auth]")).containsExactly("127.0.0.3");
        assertThat(Tools.fail2banMatches(maillog, POSTFIX_FILTER + "[mode=aggressive]"))
                .contains("127.0.0.1", "127.0.0.2", "127.0.0.3");
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
