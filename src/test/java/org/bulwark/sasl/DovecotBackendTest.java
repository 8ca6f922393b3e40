package org.bulwark.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.testing.DovecotPeer;
import org.bulwark.testing.Peers;
import org.bulwark.testing.OpensslCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real Dovecot on a temporary unix socket, users in a passwd-file made with doveadm pw. */
class DovecotBackendTest {

    @TempDir
    static Path dir;
    static DovecotPeer dovecot;
    static SaslService sasl;
    static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

    @BeforeAll
    static void startDovecot() throws Exception {
        Path passwd = dir.resolve("users");
        String hash = OpensslCertificates.run(Peers.doveadm(), "pw", "-s", "SHA512-CRYPT", "-p", "wonderland").strip();
        Files.writeString(passwd, "alice@example.org:" + hash + "\n");
        Path queue = dir.resolve("spool");
        dovecot = DovecotPeer.start(dir, passwd, queue.resolve("private/auth"));
        Config config = Config.of(Map.of("smtpd_sasl_auth_enable", "yes", "smtpd_sasl_type", "dovecot",
                "smtpd_sasl_path", "private/auth", "queue_directory", queue.toString()));
        MailLog log = MailLog.to(new PrintStream(LOG, true, StandardCharsets.UTF_8), "mx", "postfix");
        sasl = SaslService.forService(config, log.program("smtpd"));
    }

    @AfterAll
    static void stopDovecot() throws Exception {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    static SaslClient client() {
        return new SaslClient("192.0.2.1", "127.0.0.1", true);
    }

    @Test
    void offersTheMechanismsDovecotAnnounces() {
        assertThat(sasl.offered(true)).containsExactly("PLAIN", "LOGIN");
        assertThat(new SaslService(SaslService.backend(Config.of(Map.of("smtpd_sasl_type", "dovecot",
                "smtpd_sasl_path", dovecot.socket.toString())), null), List.of("noplaintext"), List.of())
                .offered(false)).isEmpty();
    }

    @Test
    void plainSucceedsWithTheRightPassword() {
        SaslExchange e = sasl.start("PLAIN", true, client());
        assertThat(e.respond("\0alice@example.org\0wonderland".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new SaslStep.Success("alice@example.org", null));
    }

    @Test
    void plainFailsWithAWrongPassword() {
        SaslExchange e = sasl.start("PLAIN", true, client());
        assertThat(e.respond("\0alice@example.org\0looking-glass".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SaslStep.Failure.class);
    }

    @Test
    void loginGoesThroughDovecotsChallenges() {
        SaslExchange e = sasl.start("LOGIN", true, client());
        SaslStep first = e.respond(null);
        assertThat(new String(((SaslStep.Challenge) first).data(), StandardCharsets.US_ASCII)).isEqualTo("Username:");
        SaslStep second = e.respond("alice@example.org".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(((SaslStep.Challenge) second).data(), StandardCharsets.US_ASCII)).isEqualTo("Password:");
        assertThat(e.respond("wonderland".getBytes(StandardCharsets.UTF_8))).isInstanceOf(SaslStep.Success.class);
    }

    @Test
    void aMissingSocketIsATemporaryFailure() {
        SaslService absent = new SaslService(SaslService.backend(Config.of(Map.of("smtpd_sasl_type", "dovecot",
                "smtpd_sasl_path", dir.resolve("nothing-here").toString())), MailLog.to(
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "mx", "b").program("smtpd")),
                List.of(), List.of());
        assertThat(absent.offered(true)).isEmpty();
    }
}
