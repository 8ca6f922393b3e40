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
 * A 250 after DATA is a promise: the daemon, killed with SIGKILL while delivering, must deliver the
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
        // The first daemon hands the message to a server that accepts the connection and never
        // answers: the delivery is under way, the message still in active/, when it is killed.
        SilentServer silent = new SilentServer();
        system.set("virtual_transport", "smtp:" + silent.nexthop());
        system.writeConfig();
        daemon = system.startDaemon();

        String queueId;
        try (silent; SmtpDialogue smtp = system.awaitBanner()) {
            smtp.command("EHLO client.example");
            smtp.command("MAIL FROM:<sender@example.org>");
            smtp.command("RCPT TO:<alice@example.test>");
            smtp.command("DATA");
            String reply = smtp.command("Subject: survives kill -9\r\n\r\nbody\r\n.");
            assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
            queueId = reply.substring(reply.lastIndexOf(' ') + 1);
            assertThat(silent.awaitConnection(java.time.Duration.ofSeconds(30))).as(system.maillog()).isTrue();
            daemon.destroyForcibly();  // SIGKILL, while the acknowledged message is being delivered
        }
        assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();

        system.set("virtual_transport", null);
        system.writeConfig();
        daemon = system.startDaemon();
        List<Path> files = system.awaitDelivered("alice", 1);
        assertThat(Files.readString(files.get(0))).contains("Subject: survives kill -9").contains(queueId);
        system.awaitLog(queueId + ": removed");
        Thread.sleep(500); // a second, duplicate delivery would show up here
        assertThat(system.delivered("alice")).hasSize(1);
    }
}
