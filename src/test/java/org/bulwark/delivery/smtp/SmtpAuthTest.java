package org.bulwark.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.bulwark.config.ConfigException;
import org.bulwark.delivery.TestMessage;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.bulwark.testing.FakeSmtpServer;
import org.bulwark.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SMTP client's AUTH against scripted servers: which mechanism, when never, and what a failure does. */
class SmtpAuthTest {

    private static final String BODY = "Subject: hello\n\nhi\n";
    private static final String PLAIN_OK = b64("\0relay-user\0s3cret");

    @TempDir
    Path dir;

    private DeliveryTestBed bed;
    private Path passwd;

    @BeforeEach
    void start() throws Exception {
        bed = DeliveryTestBed.start();
        passwd = dir.resolve("sasl_passwd");
    }

    @AfterEach
    void close() throws Exception {
        bed.close();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private void passwords(String lines) throws Exception {
        Files.writeString(passwd, lines);
        Files.setPosixFilePermissions(passwd, PosixFilePermissions.fromString("rw-------"));
    }

    /** A server that wants "relay-user" / "s3cret" by PLAIN or LOGIN. */
    private static String checkLogin(String line, String[] state) {
        if (line.equals("AUTH PLAIN " + PLAIN_OK)) {
            return "235 2.7.0 Authentication successful";
        }
        if (line.startsWith("AUTH PLAIN")) {
            return "535 5.7.8 Error: authentication failed: authentication failure";
        }
        if (line.equals("AUTH LOGIN")) {
            state[0] = "user";
            return "334 " + b64("Username:");
        }
        if ("user".equals(state[0])) {
            state[0] = line.equals(b64("relay-user")) ? "pass" : "bad";
            return "334 " + b64("Password:");
        }
        if ("pass".equals(state[0]) && line.equals(b64("s3cret"))) {
            return "235 2.7.0 Authentication successful";
        }
        return "535 5.7.8 Error: authentication failed: authentication failure";
    }

    private FakeSmtpServer tlsServer(String auth) throws Exception {
        String[] state = new String[1];
        return bed.remote(FakeSmtpServer.options().extensions("PIPELINING", "AUTH " + auth)
                .starttls(TestCertificates.selfSigned("relay.test").serverContext())
                .auth(line -> checkLogin(line, state)));
    }

    private FakeSmtpServer plaintextServer(String auth) throws Exception {
        String[] state = new String[1];
        return bed.remote(FakeSmtpServer.options().extensions("PIPELINING", "AUTH " + auth)
                .auth(line -> checkLogin(line, state)));
    }

    private Outcome send(FakeSmtpServer remote, String nexthop, String... settings) {
        // SASL_README's client setup: over TLS, plaintext mechanisms are allowed.
        String[] all = new String[settings.length + 8];
        all[0] = "smtp_sasl_auth_enable";
        all[1] = "yes";
        all[2] = "smtp_sasl_password_maps";
        all[3] = "texthash:" + passwd;
        all[4] = "smtp_tls_security_level";
        all[5] = "may";
        all[6] = "smtp_sasl_tls_security_options";
        all[7] = "noanonymous";
        System.arraycopy(settings, 0, all, 8, settings.length);
        return bed.agent(remote.port(), all)
                .deliver(TestMessage.of("alice@example.test", BODY, "bob@remote.test").request(nexthop))
                .outcomes().get(0);
    }

    private static List<String> authLines(FakeSmtpServer remote) {
        return remote.commands().stream().filter(c -> c.startsWith("AUTH")).toList();
    }

    @Test
    void logsInWithPlainAfterStartTlsToTheRelayhost() throws Exception {
        FakeSmtpServer remote = tlsServer("PLAIN LOGIN");
        passwords("[127.0.0.1]:" + remote.port() + " relay-user:s3cret\n");
        Outcome outcome = send(remote, "[127.0.0.1]:" + remote.port(), "smtp_tls_security_level", "encrypt");

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(remote.commands()).containsSubsequence("STARTTLS", "AUTH PLAIN " + PLAIN_OK, "MAIL FROM:<alice@example.test>");
        assertThat(remote.awaitMessages(1).get(0).tls()).isTrue();
    }

    @Test
    void logsInWithLoginWhenThatIsAllTheServerOffers() throws Exception {
        FakeSmtpServer remote = tlsServer("LOGIN");
        passwords("[127.0.0.1]:" + remote.port() + " relay-user:s3cret\n");
        Outcome outcome = send(remote, "[127.0.0.1]:" + remote.port());

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(remote.commands()).containsSubsequence("AUTH LOGIN", b64("relay-user"), b64("s3cret"));
    }

    @Test
    void readsTheOldAuthEqualsFormOfTheExtension() throws Exception {
        String[] state = new String[1];
        FakeSmtpServer remote = bed.remote(FakeSmtpServer.options().extensions("AUTH=LOGIN")
                .starttls(TestCertificates.selfSigned("relay.test").serverContext())
                .auth(line -> checkLogin(line, state)));
        passwords("[127.0.0.1]:" + remote.port() + " relay-user:s3cret\n");
        Outcome outcome = send(remote, "[127.0.0.1]:" + remote.port());

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(authLines(remote)).containsExactly("AUTH LOGIN");
    }

    @Test
    void aRefusedLoginDefersWithPostfixWordsAndTheServersReply() throws Exception {
        FakeSmtpServer remote = tlsServer("PLAIN");
        passwords("[127.0.0.1]:" + remote.port() + " relay-user:wrong\n");
        Outcome outcome = send(remote, "[127.0.0.1]:" + remote.port());

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.7.8");
        assertThat(outcome.text()).isEqualTo("SASL authentication failed; server 127.0.0.1[127.0.0.1] said: "
                + "535 5.7.8 Error: authentication failed: authentication failure");
        assertThat(outcome.relay()).isEqualTo("127.0.0.1[127.0.0.1]:" + remote.port());
        assertThat(remote.commands()).doesNotContain("MAIL FROM:<alice@example.test>");
    }

    @Test
    void withoutSoftBounceARefusedLoginBounces() throws Exception {
        FakeSmtpServer remote = tlsServer("PLAIN");
        passwords("[127.0.0.1]:" + remote.port() + " relay-user:wrong\n");
        Outcome outcome = send(remote, "[127.0.0.1]:" + remote.port(), "smtp_sasl_auth_soft_bounce", "no");

        assertThat(outcome.status()).isEqualTo(Status.BOUNCED);
        assertThat(outcome.dsn()).isEqualTo("5.7.8");
    }

    @Test
    void noPasswordInCleartextUnderTheDefaultNoplaintext() throws Exception {
        FakeSmtpServer remote = plaintextServer("PLAIN LOGIN");
        passwords("[127.0.0.1]:" + remote.port() + " relay-user:s3cret\n");
        Outcome outcome = send(remote, "[127.0.0.1]:" + remote.port());

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.7.0");
        assertThat(outcome.text()).isEqualTo(
                "SASL authentication failed; cannot authenticate to server 127.0.0.1[127.0.0.1]: no mechanism available");
        assertThat(authLines(remote)).isEmpty();
        assertThat(remote.commands()).noneMatch(c -> c.contains(b64("s3cret")) || c.contains(PLAIN_OK));
    }

    @Test
    void cleartextLoginWhenTheSecurityOptionsAllowIt() throws Exception {
        FakeSmtpServer remote = plaintextServer("PLAIN LOGIN");
        passwords("[127.0.0.1]:" + remote.port() + " relay-user:s3cret\n");
        Outcome outcome = send(remote, "[127.0.0.1]:" + remote.port(), "smtp_sasl_security_options", "noanonymous");

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(authLines(remote)).containsExactly("AUTH PLAIN " + PLAIN_OK);
    }

    @Test
    void postfixDefaultsKeepPlainTextMechanismsOffEvenOverTls() throws Exception {
        FakeSmtpServer remote = tlsServer("PLAIN LOGIN");
        passwords("[127.0.0.1]:" + remote.port() + " relay-user:s3cret\n");
        Outcome outcome = send(remote, "[127.0.0.1]:" + remote.port(), "smtp_sasl_tls_security_options",
                "$smtp_sasl_security_options");

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(authLines(remote)).isEmpty();
        assertThat(bed.logText()).contains("warning: SASL authentication failure: No worthy mechs found");
    }

    @Test
    void tlsSecurityOptionsApplyOverTls() throws Exception {
        FakeSmtpServer remote = tlsServer("PLAIN LOGIN");
        passwords("[127.0.0.1]:" + remote.port() + " relay-user:s3cret\n");
        Outcome outcome = send(remote, "[127.0.0.1]:" + remote.port(), "smtp_sasl_tls_security_options", "noplaintext");

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.text()).endsWith(": no mechanism available");
        assertThat(authLines(remote)).isEmpty();
    }

    @Test
    void theMechanismFilterPicksLoginOverPlain() throws Exception {
        FakeSmtpServer remote = tlsServer("PLAIN LOGIN");
        passwords("[127.0.0.1]:" + remote.port() + " relay-user:s3cret\n");
        Outcome outcome = send(remote, "[127.0.0.1]:" + remote.port(), "smtp_sasl_mechanism_filter", "!plain, login");

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(authLines(remote)).containsExactly("AUTH LOGIN");
    }

    @Test
    void aFilterThatLeavesNothingDefersAndWarns() throws Exception {
        FakeSmtpServer remote = tlsServer("PLAIN LOGIN");
        passwords("[127.0.0.1]:" + remote.port() + " relay-user:s3cret\n");
        Outcome outcome = send(remote, "[127.0.0.1]:" + remote.port(), "smtp_sasl_mechanism_filter", "cram-md5");

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.text()).isEqualTo("SASL authentication failed: server 127.0.0.1[127.0.0.1] offered no "
                + "compatible authentication mechanisms for this type of connection security");
        assertThat(bed.logText()).contains("warning: 127.0.0.1[127.0.0.1]:" + remote.port()
                + " offered no supported AUTH mechanisms: 'PLAIN LOGIN'");
    }

    @Test
    void noPasswordForTheDestinationMeansNoAuth() throws Exception {
        FakeSmtpServer remote = tlsServer("PLAIN LOGIN");
        passwords("[smtp.elsewhere.test]:587 relay-user:s3cret\n");
        Outcome outcome = send(remote, "[127.0.0.1]:" + remote.port());

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(authLines(remote)).isEmpty();
    }

    @Test
    void theSendersLoginWinsWithSenderDependentAuthentication() throws Exception {
        FakeSmtpServer remote = tlsServer("PLAIN");
        passwords("alice@example.test relay-user:s3cret\n[127.0.0.1]:" + remote.port() + " someone-else:nope\n");
        Outcome outcome = send(remote, "[127.0.0.1]:" + remote.port(), "smtp_sender_dependent_authentication", "yes");

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(authLines(remote)).containsExactly("AUTH PLAIN " + PLAIN_OK);
    }

    @Test
    void aPasswordFileOthersMayReadIsRefused() throws Exception {
        Files.writeString(passwd, "[127.0.0.1]:2525 relay-user:s3cret\n");
        Files.setPosixFilePermissions(passwd, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> bed.agent(25, "smtp_sasl_auth_enable", "yes", "smtp_sasl_password_maps",
                "texthash:" + passwd)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("smtp_sasl_password_maps = " + passwd).hasMessageContaining("chmod 600");
    }

    @Test
    void authWithoutAPasswordTableIsRefused() {
        assertThatThrownBy(() -> bed.agent(25, "smtp_sasl_auth_enable", "yes"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("smtp_sasl_password_maps");
    }

    @Test
    void anUnknownSecurityOptionIsRefused() throws Exception {
        passwords("x y:z\n");
        assertThatThrownBy(() -> bed.agent(25, "smtp_sasl_auth_enable", "yes", "smtp_sasl_password_maps",
                "texthash:" + passwd, "smtp_sasl_security_options", "noplaintxt"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("noplaintxt");
    }
}
