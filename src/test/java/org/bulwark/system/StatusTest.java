package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.bulwark.cli.Bulwark;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark status} against a running daemon: uptime, and from its status socket the
 * connections, messages in and out and rejects by reason in the last minute and hour, and the queues.
 */
class StatusTest {

    @TempDir
    Path root;
    private Process daemon;

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.destroy();
            daemon.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String status(MailSystemFixture system, int expectedExit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(Bulwark.commandLine().execute("-c", system.conf.toString(), "status")).isEqualTo(expectedExit);
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void statusShowsUptimeAndTheLastMinuteAndHourOfMailAndRejects() throws Exception {
        MailSystemFixture system = new MailSystemFixture(root);
        system.writeConfig();
        daemon = system.startDaemon();
        try (SmtpDialogue smtp = system.awaitBanner()) {
            smtp.command("EHLO client.example.net");
        }
        try (SmtpDialogue outsider = new SmtpDialogue(system.port(), "127.0.0.2")) {
            outsider.reply();
            outsider.command("EHLO outsider.example.net");
            outsider.command("MAIL FROM:<spam@outsider.example>");
            assertThat(outsider.command("RCPT TO:<victim@elsewhere.example>")).startsWith("554");
            assertThat(outsider.command("RCPT TO:<other@elsewhere.example>")).startsWith("554");
        }
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.1")) {
            smtp.reply();
            smtp.command("EHLO client.example.net");
            smtp.command("MAIL FROM:<carol@sender.example>");
            assertThat(smtp.command("RCPT TO:<alice@example.test>")).startsWith("250");
            assertThat(smtp.command("DATA")).startsWith("354");
            assertThat(smtp.command("Subject: status\r\n\r\nhello\r\n.")).startsWith("250");
        }
        system.awaitDelivered("alice", 1);
        system.awaitLog("status=sent");

        String status = status(system, 0);

        // The last-minute column is 0 or the count: a slow machine may take longer than a minute.
        assertThat(status)
                .contains("bulwark: the mail system is running: PID: " + daemon.pid())
                .containsPattern("bulwark: up 0d 0h \\d+m \\d+s")
                .containsPattern("\nconnections +[0-3] +3 +3\n")
                .containsPattern("\nmessages received +[01] +1 +1\n")
                .containsPattern("\ndeliveries sent +[01] +1 +1\n")
                .containsPattern("\ndeliveries deferred +0 +0 +0\n")
                .containsPattern("\nrejects +[0-2] +2 +2\n")
                .containsPattern("\n  RCPT 554 Relay access denied +[0-2] +2 +2\n")
                .contains("queue: ", "deferred 0", "incoming 0");
    }

    /**
     * Mail that sits in active/ for minutes while nothing is delivered (here: an agent hung on a
     * server that never answers) is pointed out, with what to check.
     */
    @Test
    void statusPointsAtMailPilingUpInTheActiveQueue() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            MailSystemFixture system = new MailSystemFixture(root);
            system.set("virtual_transport", "smtp:" + silent.nexthop());
            system.writeConfig();
            daemon = system.startDaemon();
            try (SmtpDialogue smtp = system.awaitBanner()) {
                smtp.command("EHLO client.example.net");
                smtp.command("MAIL FROM:<carol@sender.example>");
                assertThat(smtp.command("RCPT TO:<alice@example.test>")).startsWith("250");
                assertThat(smtp.command("DATA")).startsWith("354");
                assertThat(smtp.command("Subject: stuck\r\n\r\nhello\r\n.")).startsWith("250");
            }
            assertThat(silent.awaitConnection(java.time.Duration.ofSeconds(30))).isTrue();
            assertThat(status(system, 0)).doesNotContain("warning:");

            // Ten minutes later, as far as the queue file says.
            java.nio.file.attribute.FileTime earlier = java.nio.file.attribute.FileTime.from(
                    java.time.Instant.now().minus(java.time.Duration.ofMinutes(10)));
            try (var files = java.nio.file.Files.walk(system.var.resolve("spool/active"))) {
                for (Path file : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                    java.nio.file.Files.setLastModifiedTime(file, earlier);
                }
            }
            assertThat(status(system, 0)).contains("\nwarning: 1 message has been in the active queue for more than"
                    + " 5 minutes (oldest 10 min) and nothing was delivered in the last minute: check that master.cf"
                    + " has qmgr and a service for every transport, and the maillog\n");
        }
    }

    @Test
    void statusSaysWhenTheMailSystemIsNotRunning() throws Exception {
        MailSystemFixture system = new MailSystemFixture(root);
        system.writeConfig();

        assertThat(status(system, 1)).isEqualTo("bulwark: the mail system is not running\n");
    }
}
