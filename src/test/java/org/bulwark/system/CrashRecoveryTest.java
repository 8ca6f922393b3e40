package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
        daemon = startDaemon(system);

        String queueId;
        try (SmtpDialogue smtp = awaitBanner(system)) {
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
        daemon = startDaemon(system);
        List<Path> files = system.awaitDelivered("alice", 1);
        assertThat(Files.readString(files.get(0))).contains("Subject: survives kill -9").contains(queueId);
        system.awaitLog(queueId + ": removed");
        Thread.sleep(500); // a second, duplicate delivery would show up here
        assertThat(system.delivered("alice")).hasSize(1);
    }

    private static Process startDaemon(MailSystemFixture system) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("org.bulwark.cli.Bulwark");
        command.add("-c");
        command.add(system.conf.toString());
        command.add("start-fg");
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(system.root.resolve("daemon.out").toFile()).start();
    }

    private static SmtpDialogue awaitBanner(MailSystemFixture system) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            try {
                SmtpDialogue smtp = new SmtpDialogue(system.port(), "127.0.0.1");
                assertThat(smtp.reply()).startsWith("220 ");
                return smtp;
            } catch (java.net.ConnectException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("daemon did not listen: " + Files.readString(system.root.resolve("daemon.out")), e);
                }
                Thread.sleep(50);
            }
        }
    }
}
