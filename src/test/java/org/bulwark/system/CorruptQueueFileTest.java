package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unreadable files dropped into active/ of a running server (garbage, and a file cut short after
 * its version line as a torn write leaves it) go to corrupt/ with a log line each, and mail sent
 * before and after them is delivered.
 */
class CorruptQueueFileTest {

    @TempDir
    Path root;

    private MailSystemFixture system;

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    private void send(String subject) throws Exception {
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.1")) {
            smtp.reply();
            smtp.command("EHLO client.example");
            assertThat(smtp.command("MAIL FROM:<sender@example.org>")).startsWith("250 ");
            assertThat(smtp.command("RCPT TO:<alice@example.test>")).startsWith("250 ");
            assertThat(smtp.command("DATA")).startsWith("354 ");
            assertThat(smtp.command("Subject: " + subject + "\r\n\r\nbody\r\n.")).startsWith("250 ");
        }
    }

    @Test
    void corruptFilesInActiveGoToCorruptAndTheRestKeepsFlowing() throws Exception {
        system = new MailSystemFixture(root).start();
        send("before");
        system.awaitDelivered("alice", 1);

        Path spool = root.resolve("var/spool");
        Path garbage = spool.resolve("active/00000000DEAD01");
        Path torn = spool.resolve("active/00000000DEAD02");
        Files.write(garbage, new byte[] {0, 1, 2, (byte) 0xff, '\n', 'M', '\n'});
        Files.writeString(torn, "BULWARK-QUEUE 2\nS 1 0 ", StandardCharsets.US_ASCII);

        // A new arrival makes the queue manager scan active/ and meet both files.
        send("after");
        system.awaitDelivered("alice", 2);
        String log = system.awaitLog("00000000DEAD02: corrupt queue file moved to corrupt/");
        assertThat(log).contains("00000000DEAD01: corrupt queue file moved to corrupt/");
        assertThat(garbage).doesNotExist();
        assertThat(torn).doesNotExist();
        assertThat(spool.resolve("corrupt/00000000DEAD01")).exists();
        assertThat(spool.resolve("corrupt/00000000DEAD02")).exists();

        send("later");
        system.awaitDelivered("alice", 3);
    }
}
