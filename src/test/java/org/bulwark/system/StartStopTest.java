package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark start-fg} as systemd runs it: SIGTERM is a clean stop with exit status 0 and
 * Postfix's "terminating on signal 15"; a start that fails says why in the maillog as well as on
 * standard error, in Postfix's {@code postfix/master[pid]: fatal: ...} form, and is not logged as
 * a termination.
 */
class StartStopTest {

    @TempDir
    Path root;

    private Process daemon;

    @AfterEach
    void kill() {
        if (daemon != null) {
            daemon.destroyForcibly();
        }
    }

    @Test
    void sigtermStopsCleanlyWithExitStatusZero() throws Exception {
        MailSystemFixture system = new MailSystemFixture(root);
        system.writeConfig();
        daemon = system.startDaemon();
        try (SmtpDialogue smtp = system.awaitBanner()) {
            smtp.command("QUIT");
        }
        system.awaitLog("daemon started");
        daemon.destroy(); // SIGTERM
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).as(Files.readString(root.resolve("daemon.out"))).isZero();
        assertThat(system.maillog()).containsPattern("postfix/master\\[\\d+\\]: terminating on signal 15")
                .doesNotContain("fatal:");
    }

    @Test
    void aPortInUseIsLoggedWithTheAddressAndTheMasterCfLine() throws Exception {
        MailSystemFixture system = new MailSystemFixture(root);
        system.writeConfig();
        try (ServerSocket taken = new ServerSocket(system.port(), 1, InetAddress.getByName("127.0.0.1"))) {
            daemon = system.startDaemon();
            assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        String expected = system.conf.resolve("master.cf") + ", line 1: bind 127.0.0.1 port " + system.port()
                + ": Address already in use";
        assertThat(daemon.exitValue()).isNotZero();
        assertThat(Files.readString(root.resolve("daemon.out"))).contains("bulwark: fatal: " + expected);
        assertThat(system.maillog()).containsPattern("postfix/master\\[\\d+\\]: fatal: \\Q" + expected + "\\E")
                .doesNotContain("terminating on signal");
    }

    @Test
    void aMainCfThatDoesNotLoadIsLoggedWhereMainCfPutsTheMaillog() throws Exception {
        MailSystemFixture system = new MailSystemFixture(root);
        system.set("message_size_limit", "lots");
        system.writeConfig();
        daemon = system.startDaemon();
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).isEqualTo(78);
        String stderr = Files.readString(root.resolve("daemon.out"));
        String problem = stderr.substring(stderr.indexOf("bulwark: fatal: ") + "bulwark: fatal: ".length()).strip();
        assertThat(problem).startsWith(system.conf.resolve("main.cf") + ", line ").contains("message_size_limit");
        assertThat(system.maillog()).containsPattern("postfix/master\\[\\d+\\]: fatal: \\Q" + problem + "\\E")
                .doesNotContain("terminating on signal");
    }

    @Test
    void aMasterCfWithOnlySmtpdIsRefusedInTheMaillog() throws Exception {
        MailSystemFixture system = new MailSystemFixture(root);
        system.writeConfig();
        Path masterCf = system.conf.resolve("master.cf");
        Files.writeString(masterCf, "127.0.0.1:" + system.port() + " inet n - n - - smtpd\n");
        daemon = system.startDaemon();
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String expected = masterCf + ": master.cf has no qmgr service: accepted mail would never be delivered."
                + " Add: qmgr unix n - n 300 1 qmgr";
        assertThat(daemon.exitValue()).isEqualTo(78);
        assertThat(Files.readString(root.resolve("daemon.out"))).contains("bulwark: fatal: " + expected);
        assertThat(system.maillog()).containsPattern("postfix/master\\[\\d+\\]: fatal: \\Q" + expected + "\\E")
                .doesNotContain("terminating on signal");
    }
}
