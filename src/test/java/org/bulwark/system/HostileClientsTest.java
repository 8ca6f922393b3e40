package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that try to exhaust the server: ten thousand recipients, endless header lines, a
 * client that stops sending. Each gets Postfix's reply and limit; nothing grows without bound.
 */
class HostileClientsTest {

    @TempDir
    Path root;

    private MailSystemFixture system;

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    /** Writes on a virtual thread, so the server may hang up while the rest is still unsent. */
    private static Thread writeInBackground(SmtpDialogue smtp, String text) {
        return Thread.ofVirtual().start(() -> {
            try {
                smtp.send(text);
            } catch (IOException e) {
                // The server closed the connection first; that is one of the expected outcomes.
            }
        });
    }

    @Test
    void tenThousandRecipientsMeetTheRecipientLimitAndThenTheErrorLimit() throws Exception {
        // Without the error tarpit the test does not wait ~10 s in smtpd_error_sleep_time.
        system = new MailSystemFixture(root).set("smtpd_error_sleep_time", "0s").start();
        List<String> replies = new ArrayList<>();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.1")) {
            smtp.reply();
            smtp.command("EHLO client.example");
            assertThat(smtp.command("MAIL FROM:<sender@example.org>")).startsWith("250 ");
            StringBuilder rcpts = new StringBuilder();
            for (int i = 0; i < 10_000; i++) {
                rcpts.append("RCPT TO:<alice@example.test>\r\n");
            }
            Thread writer = writeInBackground(smtp, rcpts.toString());
            for (String reply = smtp.reply(); !reply.isEmpty(); reply = smtp.reply()) {
                replies.add(reply);
            }
            writer.join();
        }
        assertThat(replies).as("replies").isNotEmpty();
        long accepted = replies.stream().filter(r -> r.startsWith("250 ")).count();
        long refused = replies.stream().filter(r -> r.equals("452 4.5.3 Error: too many recipients")).count();
        // smtpd_recipient_limit (1000) accepted, smtpd_recipient_overshoot_limit (1000) forgiven,
        // then each excess recipient is an error until smtpd_hard_error_limit (20) hangs up.
        assertThat(accepted).isEqualTo(1000);
        assertThat(refused).isEqualTo(1000 + 20);
        assertThat(replies.getLast()).isEqualTo("421 4.7.0 mail.example.test Error: too many errors");
        assertThat(replies).hasSize(1000 + 1020 + 1);
        system.awaitLog("too many errors after RCPT from localhost[127.0.0.1]");
    }

    @Test
    void endlessHeaderLinesEndAtMessageSizeLimit() throws Exception {
        system = new MailSystemFixture(root).set("message_size_limit", "1000000").start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.1")) {
            smtp.reply();
            smtp.command("EHLO client.example");
            assertThat(smtp.command("MAIL FROM:<sender@example.org>")).startsWith("250 ");
            assertThat(smtp.command("RCPT TO:<alice@example.test>")).startsWith("250 ");
            assertThat(smtp.command("DATA")).startsWith("354 ");
            String line = "X-Filler: " + "h".repeat(70) + "\r\n";
            StringBuilder header = new StringBuilder();
            while (header.length() < 8_000_000) {
                header.append(line);
            }
            Thread writer = writeInBackground(smtp, header + "\r\nbody\r\n.\r\n");
            assertThat(smtp.reply()).isEqualTo("552 5.3.4 Error: message file too big");
            writer.join();
            assertThat(smtp.command("NOOP")).startsWith("250 ");
        }
        system.awaitLog("disconnect from");
        assertThat(system.delivered("alice")).isEmpty();
    }

    @Test
    void oneEndlessFoldedHeaderIsCutAtHeaderSizeLimit() throws Exception {
        system = new MailSystemFixture(root).start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.1")) {
            smtp.reply();
            smtp.command("EHLO client.example");
            assertThat(smtp.command("MAIL FROM:<sender@example.org>")).startsWith("250 ");
            assertThat(smtp.command("RCPT TO:<alice@example.test>")).startsWith("250 ");
            assertThat(smtp.command("DATA")).startsWith("354 ");
            StringBuilder header = new StringBuilder("Subject: long");
            while (header.length() < 2_000_000) {
                header.append("\r\n continued ").append("f".repeat(60));
            }
            Thread writer = writeInBackground(smtp, header + "\r\n\r\nbody\r\n.\r\n");
            assertThat(smtp.reply()).startsWith("250 ");
            writer.join();
        }
        Path message = system.awaitDelivered("alice", 1).getFirst();
        // header_size_limit (102400) keeps the header in bounded memory; the excess is dropped.
        assertThat(Files.size(message)).isLessThan(200_000);
        assertThat(Files.readString(message)).contains("\nbody");
    }

    @Test
    void aClientThatStopsSendingIsDisconnectedWithATimeout() throws Exception {
        system = new MailSystemFixture(root).set("smtpd_timeout", "1s").start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            smtp.reply();
            smtp.command("EHLO client.example");
            // Half a command, then nothing: the slowloris pattern.
            smtp.send("MAIL FR");
            assertThat(smtp.reply()).isEqualTo("421 4.4.2 mail.example.test Error: timeout exceeded");
            assertThat(smtp.reply()).as("the connection is closed").isEmpty();
        }
        system.awaitLog("timeout after EHLO from unknown[127.0.0.2]");
    }

    @Test
    void aClientThatTricklesACommandMeetsThePerRequestDeadline() throws Exception {
        system = new MailSystemFixture(root)
                .set("smtpd_timeout", "1s")
                .set("smtpd_per_request_deadline", "yes")
                .start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            smtp.reply();
            smtp.command("EHLO client.example");
            // One byte every 300 ms: each read is well inside smtpd_timeout, the command is not.
            Thread trickle = Thread.ofVirtual().start(() -> {
                try {
                    for (char c : "NOOP\r\n".toCharArray()) {
                        smtp.send(String.valueOf(c));
                        Thread.sleep(300);
                    }
                } catch (IOException | InterruptedException e) {
                    // The server hung up, as it should.
                }
            });
            assertThat(smtp.reply()).isEqualTo("421 4.4.2 mail.example.test Error: timeout exceeded");
            trickle.join();
        }
        system.awaitLog("timeout after EHLO from unknown[127.0.0.2]");
    }
}
