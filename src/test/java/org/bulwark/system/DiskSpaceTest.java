package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * queue_minfree against the real free space of the file system the queue is on: the server says
 * 452 4.3.1 at MAIL FROM before the disk fills, and takes a message again as soon as there is room
 * for it, without a restart.
 */
class DiskSpaceTest {

    private static final String INSUFFICIENT = "452 4.3.1 Insufficient system storage";

    @TempDir
    Path root;

    private MailSystemFixture system;

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void mailFromIsRefusedWhenTheQueueFileSystemHasLessThanQueueMinfree() throws Exception {
        long usable = Files.getFileStore(root).getUsableSpace();
        // Ten times what is free: no other process can free that much while the test runs.
        system = new MailSystemFixture(root).set("queue_minfree", Long.toString(usable * 10 + (1L << 30))).start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            smtp.reply();
            smtp.command("EHLO client.example");
            assertThat(smtp.command("MAIL FROM:<sender@remote.example>")).isEqualTo(INSUFFICIENT);
            // The session goes on; reads such as NOOP and VRFY are still served.
            assertThat(smtp.command("NOOP")).startsWith("250 ");
        }
        String log = system.awaitLog("Insufficient system storage");
        assertThat(log).contains("warning: not enough free space in mail queue");
        assertThat(log).contains("NOQUEUE: reject: MAIL from unknown[127.0.0.2]: " + INSUFFICIENT);
    }

    @Test
    void theAnnouncedSizeCountsAndASmallerMessageIsTakenAtOnce() throws Exception {
        long usable = Files.getFileStore(root).getUsableSpace();
        system = new MailSystemFixture(root)
                .set("queue_minfree", Long.toString(usable / 2))
                .set("message_size_limit", "0")
                .start();
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.2")) {
            smtp.reply();
            smtp.command("EHLO client.example");
            // More than all the free space: refused although queue_minfree alone is met.
            assertThat(smtp.command("MAIL FROM:<sender@remote.example> SIZE=" + usable * 2)).isEqualTo(INSUFFICIENT);
            assertThat(smtp.command("MAIL FROM:<sender@remote.example> SIZE=1000")).startsWith("250 ");
            assertThat(smtp.command("RCPT TO:<alice@example.test>")).startsWith("250 ");
            assertThat(smtp.command("DATA")).startsWith("354 ");
            assertThat(smtp.command("Subject: fits\r\n\r\nbody\r\n.")).startsWith("250 ");
        }
        system.awaitDelivered("alice", 1);
    }
}
