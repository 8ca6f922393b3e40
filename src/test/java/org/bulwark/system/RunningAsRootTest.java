package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark start-fg} as root (as the suite runs here and in CI): refused with a listener that
 * other machines could reach, and why; on loopback only, one warning and it runs. The refusal comes
 * before any socket is bound, so the test exposes nothing.
 */
class RunningAsRootTest {

    @TempDir
    Path root;

    private Process daemon;

    @BeforeEach
    void asRoot() throws Exception {
        String uid = MailSystemFixture.run(List.of("id", "-u"), null).output().strip();
        assertThat(uid).as("these tests are about running as root and must run as root (CI does: sudo .ci/run);"
                + " this user's UID is " + uid).isEqualTo("0");
    }

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.destroy();
            daemon.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void rootWithAListenerOnAllInterfacesIsRefusedAndSaysWhy() throws Exception {
        MailSystemFixture system = new MailSystemFixture(root);
        system.writeConfig();
        Path masterCf = system.conf.resolve("master.cf");
        Files.writeString(masterCf, Files.readString(masterCf).replace("127.0.0.1:" + system.port() + " inet",
                "0.0.0.0:" + system.port() + " inet"));

        Process refused = system.startDaemon();
        assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(root.resolve("daemon.out"));
        assertThat(refused.exitValue()).as(output).isNotZero();
        assertThat(output).contains("bulwark: fatal: refusing to run as root with listeners that other machines can "
                        + "reach: 0.0.0.0:" + system.port() + " (" + masterCf + ", line 1)")
                .contains("a bug in a network daemon that runs as root").contains("CAP_NET_BIND_SERVICE")
                .contains("--allow-root").doesNotContain("\tat org.bulwark");
        assertThat(Files.exists(system.var.resolve("spool/active"))).as("nothing was started").isFalse();
    }

    @Test
    void rootOnLoopbackOnlyWarnsOnceAndServes() throws Exception {
        MailSystemFixture system = new MailSystemFixture(root);
        system.writeConfig();
        daemon = system.startDaemon();
        try (SmtpDialogue smtp = system.awaitBanner()) {
            assertThat(smtp.command("QUIT")).startsWith("221 ");
        }
        // start-fg prints the warning once the listeners serve, so it may follow the banner a little.
        String expected = "bulwark: warning: running as root; every listener is on loopback";
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
        while (!Files.readString(root.resolve("daemon.out")).contains(expected) && java.time.Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        assertThat(Files.readString(root.resolve("daemon.out"))).contains(expected);
        String log = system.awaitLog("warning: running as root");
        assertThat(log.split("running as root", -1)).hasSize(2);
    }

    @Test
    void allowRootIsAcceptedByStartFg() throws Exception {
        MailSystemFixture system = new MailSystemFixture(root);
        system.writeConfig();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "org.bulwark.cli.Bulwark", "-c", system.conf.toString(),
                "start-fg", "--allow-root"));
        daemon = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(root.resolve("daemon.out").toFile()).start();
        try (SmtpDialogue smtp = system.awaitBanner()) {
            assertThat(smtp.command("QUIT")).startsWith("221 ");
        }
    }
}
