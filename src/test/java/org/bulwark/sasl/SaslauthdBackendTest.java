package org.bulwark.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.testing.SaslauthdPeer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real saslauthd on a socket in the test's directory ({@link SaslauthdPeer}: rimap
 * against a small IMAP responder on loopback that knows one user).
 */
class SaslauthdBackendTest {

    @TempDir
    static Path dir;
    static SaslauthdPeer saslauthd;
    static SaslService sasl;

    @BeforeAll
    static void start() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        saslauthd = SaslauthdPeer.start(dir);
        Path mux = saslauthd.mux();
        Config config = Config.of(Map.of("smtpd_sasl_auth_enable", "yes", "smtpd_sasl_type", "cyrus",
                "smtpd_sasl_path", mux.toString()));
        MailLog log = MailLog.to(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "mx", "b");
        sasl = SaslService.forService(config, log.program("smtpd"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (saslauthd != null) {
            saslauthd.close();
        }
    }

    static SaslClient client() {
        return new SaslClient("192.0.2.1", "127.0.0.1", true);
    }

    @Test
    void offersPlainAndLogin() {
        assertThat(sasl.offered(true)).containsExactly("PLAIN", "LOGIN");
    }

    @Test
    void plainSucceedsThroughSaslauthd() {
        assertThat(sasl.start("PLAIN", true, client()).respond("\0alice\0wonderland".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new SaslStep.Success("alice", null));
    }

    @Test
    void aWrongPasswordFails() {
        assertThat(sasl.start("PLAIN", true, client()).respond("\0alice\0queen".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SaslStep.Failure.class);
    }

    @Test
    void loginSucceedsThroughSaslauthd() {
        SaslExchange e = sasl.start("LOGIN", true, client());
        e.respond(null);
        e.respond("alice".getBytes(StandardCharsets.UTF_8));
        assertThat(e.respond("wonderland".getBytes(StandardCharsets.UTF_8))).isInstanceOf(SaslStep.Success.class);
    }
}
