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

/** {@code bulwark status} against a running daemon: uptime and, with metrics_listen, its counters. */
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

    @Test
    void statusShowsUptimeAndCounters() throws Exception {
        MailSystemFixture system = new MailSystemFixture(root);
        system.set("metrics_listen", "127.0.0.1:" + MailSystemFixture.freePort()).writeConfig();
        daemon = system.startDaemon();
        try (SmtpDialogue smtp = system.awaitBanner()) {
            smtp.command("EHLO client.example.net");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(Bulwark.commandLine().execute("-c", system.conf.toString(), "status")).isZero();
        } finally {
            System.setOut(saved);
        }
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("bulwark: the mail system is running: PID: " + daemon.pid())
                .containsPattern("bulwark: up 0d 0h \\d+m \\d+s")
                .contains("  bulwark_smtpd_connections_total 1", "  bulwark_queue_messages{queue=\"deferred\"} 0")
                .doesNotContain("# TYPE");
    }
}
