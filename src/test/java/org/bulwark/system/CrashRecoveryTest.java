package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 250 after DATA is a promise: the daemon, killed with SIGKILL right after it, must deliver the
 * message after a restart, and only once.
 */
class CrashRecoveryTest {

    @TempDir
    Path root;

    private Process daemon;

    @AfterEach
    void killDaemon() {
        if (daemon != null) {
            daemon.destroyForcibly();
        }
    }

    @Test
    void messageAcknowledgedBeforeKillNineIsDeliveredOnceAfterRestart() throws Exception {
        MailSystemFixture system = new MailSystemFixture(root);
        // The first daemon runs no queue manager: the message is still queued when it is killed.
        system.writeConfig(false);
        daemon = system.startDaemon();

        String queueId;
        try (SmtpDialogue smtp = system.awaitBanner()) {
            smtp.command("EHLO client.example");
            smtp.command("MAIL FROM:<sender@example.org>");
            smtp.command("RCPT TO:<alice@example.test>");
            smtp.command("DATA");
            String reply = smtp.command("Subject: survives kill -9\r\n\r\nbody\r\n.");
            assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
            queueId = reply.substring(reply.lastIndexOf(' ') + 1);
            daemon.destroyForcibly();  // SIGKILL, right after the 250
        }
        assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();

        system.writeConfig(true);
        daemon = system.startDaemon();
        List<Path> files = system.awaitDelivered("alice", 1);
        assertThat(Files.readString(files.get(0))).contains("Subject: survives kill -9").contains(queueId);
        system.awaitLog(queueId + ": removed");
        Thread.sleep(500); // a second, duplicate delivery would show up here
        assertThat(system.delivered("alice")).hasSize(1);
    }
}
