package org.bulwark.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.SmtpReply;
import org.bulwark.restrict.Decision;
import org.bulwark.restrict.Stage;
import org.bulwark.sasl.PasswordScheme;
import org.bulwark.testing.OpensslCertificates;
import org.bulwark.testing.OpensslCertificates.KeyForm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STARTTLS, wrapper mode and AUTH over real sockets, with a Java TLS client. */
class TlsAndAuthTest {

    /** Relaying needs a SASL login, as smtpd_relay_restrictions = permit_sasl_authenticated, reject. */
    static final RestrictionCheck AUTH_TO_RELAY = (stage, context) -> stage != Stage.RCPT
            || context.saslAuthenticated() || context.recipient().domainKey().equals("example.org")
            ? Decision.DUNNO
            : new Decision.Refuse(SmtpReply.of(554, "5.7.1", "<" + context.recipient().external()
                    + ">: Relay access denied"));

    @TempDir
    Path dir;
    Path chain;
    Path passwd;

    @BeforeEach
    void files() throws Exception {
        chain = OpensslCertificates.chainFile(dir, "server", KeyForm.RSA_PKCS1, "mx.example.org");
        passwd = dir.resolve("passwd");
        Files.writeString(passwd, "alice@example.org:" + PasswordScheme.SHA512_CRYPT.hash("wonderland") + "\n"
                + "bob@example.org:" + PasswordScheme.BLF_CRYPT.hash("builder") + "::::::\n");
        Files.setPosixFilePermissions(passwd, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    Map<String, String> submission(String... more) {
        Map<String, String> m = new HashMap<>();
        m.put("smtpd_tls_security_level", "may");
        m.put("smtpd_tls_chain_files", chain.toString());
        m.put("smtpd_sasl_auth_enable", "yes");
        m.put("smtpd_sasl_type", "builtin");
        m.put("smtpd_sasl_path", passwd.toString());
        m.put("smtpd_tls_auth_only", "yes");
        m.put("smtpd_tls_loglevel", "1");
        m.put("smtpd_tls_received_header", "yes");
        for (int i = 0; i < more.length; i += 2) {
            m.put(more[i], more[i + 1]);
        }
        return m;
    }

    ServerFixture server(Map<String, String> overrides) throws Exception {
        return new ServerFixture(overrides, AUTH_TO_RELAY, 10);
    }

    @Test
    void offersStartTlsAndNoAuthBeforeTlsWhenAuthOnly() throws Exception {
        try (ServerFixture s = server(submission()); SmtpClient c = new SmtpClient(s.port())) {
            c.reply();
            String ehlo = c.send("EHLO client.example.net");
            assertThat(ehlo).contains("250-STARTTLS").doesNotContain("AUTH");
            assertThat(c.send("AUTH PLAIN " + SmtpClient.base64("\0alice@example.org\0wonderland")))
                    .startsWith("503 5.5.1 Error: authentication not enabled");
        }
    }

    @Test
    void authPlainOverStartTlsThenRelays() throws Exception {
        try (ServerFixture s = server(submission()); SmtpClient c = new SmtpClient(s.port(), "127.0.0.2")) {
            c.reply();
            c.send("EHLO client.example.net");
            assertThat(c.send("STARTTLS")).isEqualTo("220 2.0.0 Ready to start TLS");
            SSLSocket tls = c.handshake();
            assertThat(tls.getSession().getProtocol()).isEqualTo("TLSv1.3");
            String ehlo = c.send("EHLO client.example.net");
            assertThat(ehlo).doesNotContain("STARTTLS").contains("250-AUTH SCRAM-SHA-256 PLAIN LOGIN");
            assertThat(c.send("MAIL FROM:<alice@example.org>")).startsWith("250");
            assertThat(c.send("RCPT TO:<friend@outside.example>")).startsWith("554 5.7.1");
            assertThat(c.send("RSET")).startsWith("250");
            assertThat(c.send("AUTH PLAIN " + SmtpClient.base64("\0alice@example.org\0wonderland")))
                    .isEqualTo("235 2.7.0 Authentication successful");
            assertThat(c.send("MAIL FROM:<alice@example.org>")).startsWith("250");
            assertThat(c.send("RCPT TO:<friend@outside.example>")).startsWith("250");
            assertThat(c.send("DATA")).startsWith("354");
            assertThat(c.send("Subject: hi\r\n\r\nhello\r\n.")).startsWith("250 2.0.0 Ok: queued as");
            c.send("QUIT");
        }
        // The fixture's stop waits for the session's last line.
    }

    /** smtpd_timeout holds over TLS too: a client that goes quiet after EHLO is timed out. */
    @Test
    void aQuietClientIsTimedOutOverTls() throws Exception {
        try (ServerFixture s = server(submission("smtpd_timeout", "1s")); SmtpClient c = new SmtpClient(s.port())) {
            c.reply();
            c.send("EHLO client.example.net");
            c.send("STARTTLS");
            c.handshake();
            assertThat(c.send("EHLO client.example.net")).contains("250-AUTH");
            String last = c.reply();
            assertThat(last).isEqualTo("421 4.4.2 mx.example.org Error: timeout exceeded");
            assertThat(s.logAfterSessions()).contains("timeout after EHLO from unknown[127.0.0.1]");
        }
    }

    /** A client that says STARTTLS and then nothing: the handshake is bounded by smtpd_timeout. */
    @Test
    void aHandshakeThatNeverComesIsTimedOut() throws Exception {
        try (ServerFixture s = server(submission("smtpd_timeout", "1s")); SmtpClient c = new SmtpClient(s.port())) {
            c.reply();
            c.send("EHLO client.example.net");
            assertThat(c.send("STARTTLS")).isEqualTo("220 2.0.0 Ready to start TLS");
            assertThat(c.closedByServer()).isTrue();
            assertThat(s.logAfterSessions()).contains("SSL_accept error from unknown[127.0.0.1]: Read timed out");
        }
    }

    @Test
    void theQueuedMessageCarriesTlsAndSaslDetails() throws Exception {
        try (ServerFixture s = server(submission("smtpd_sasl_authenticated_header", "yes"));
                SmtpClient c = new SmtpClient(s.port(), "127.0.0.2")) {
            c.reply();
            c.send("EHLO client.example.net");
            c.send("STARTTLS");
            c.handshake();
            c.send("EHLO client.example.net");
            assertThat(c.send("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
            assertThat(c.send(SmtpClient.base64("bob@example.org"))).isEqualTo("334 UGFzc3dvcmQ6");
            assertThat(c.send(SmtpClient.base64("builder"))).startsWith("235 2.7.0");
            c.send("MAIL FROM:<bob@example.org>");
            c.send("RCPT TO:<x@outside.example>");
            c.send("DATA");
            assertThat(c.send("Subject: hi\r\n\r\nhello\r\n.")).startsWith("250 2.0.0 Ok: queued as");
            ClientInfo client = s.intake.committed.get(0).envelope().client();
            assertThat(client.protocol()).isEqualTo("ESMTPSA");
            assertThat(client.saslUsername()).isEqualTo("bob@example.org");
            assertThat(client.saslMethod()).isEqualTo("LOGIN");
            assertThat(client.tls()).matches("TLSv1\\.3 with cipher TLS_\\w+ \\(\\d+/\\d+ bits\\)");
            assertThat(client.authenticatedHeader()).isTrue();
            assertThat(s.log()).contains("Anonymous TLS connection established from unknown[127.0.0.2]: TLSv1.3 with cipher");
        }
    }

    @Test
    void failedAuthIs535AndLoggedForFail2ban() throws Exception {
        try (ServerFixture s = server(submission()); SmtpClient c = new SmtpClient(s.port())) {
            c.reply();
            c.send("EHLO client.example.net");
            c.send("STARTTLS");
            c.handshake();
            c.send("EHLO client.example.net");
            assertThat(c.send("AUTH PLAIN " + SmtpClient.base64("\0alice@example.org\0wrong")))
                    .isEqualTo("535 5.7.8 Error: authentication failed: authentication failure");
            assertThat(c.send("AUTH PLAIN " + SmtpClient.base64("\0nobody@example.org\0wonderland")))
                    .isEqualTo("535 5.7.8 Error: authentication failed: authentication failure");
            assertThat(c.send("AUTH LOGIN")).startsWith("334");
            assertThat(c.send("*")).isEqualTo("501 5.7.0 Authentication aborted");
            assertThat(c.send("AUTH CRAM-MD5")).startsWith("504 5.5.4");
            assertThat(c.send("AUTH PLAIN !!!")).startsWith("501 5.5.2");
            c.send("QUIT");
            String log = s.logAfterSessions();
            // fail2ban's postfix-sasl filter (filter.d/postfix.conf, mode = auth).
            assertThat(log).containsPattern("(?m)warning: [-._\\w]+\\[127\\.0\\.0\\.1\\]: SASL ((?i)LOGIN|PLAIN|"
                    + "(?:CRAM|DIGEST)-MD5) authentication failed(:[ A-Za-z0-9+/:]*={0,2})?\\s*$");
            assertThat(log).contains("auth=0/5");
        }
    }

    @Test
    void inputPipelinedAfterStartTlsIsDiscarded() throws Exception {
        try (ServerFixture s = server(submission("smtpd_forbid_unauth_pipelining", "no"));
                SmtpClient c = new SmtpClient(s.port())) {
            c.reply();
            c.send("EHLO client.example.net");
            // The 2011 injection: plaintext after STARTTLS must not be read as if it came over TLS.
            c.write("STARTTLS\r\nMAIL FROM:<injected@evil.example>\r\n");
            assertThat(c.reply()).isEqualTo("220 2.0.0 Ready to start TLS");
            c.handshake();
            assertThat(c.send("EHLO client.example.net")).startsWith("250-mx.example.org");
            assertThat(c.send("RCPT TO:<alice@example.org>")).startsWith("503 5.5.1 Error: need MAIL command");
            c.send("QUIT");
            assertThat(s.logAfterSessions()).contains("discarding input pipelined after STARTTLS from unknown[127.0.0.1]: "
                    + "MAIL FROM:<injected@evil.example>");
        }
    }

    @Test
    void pipeliningPastStartTlsIsRefusedWhenForbidden() throws Exception {
        try (ServerFixture s = server(submission()); SmtpClient c = new SmtpClient(s.port())) {
            c.reply();
            c.send("EHLO client.example.net");
            c.write("STARTTLS\r\nMAIL FROM:<injected@evil.example>\r\n");
            assertThat(c.reply()).startsWith("554 5.5.0 Error: SMTP protocol synchronization");
        }
    }

    @Test
    void startTlsForgetsHeloAndLogin() throws Exception {
        try (ServerFixture s = server(submission("smtpd_tls_auth_only", "no"));
                SmtpClient c = new SmtpClient(s.port())) {
            c.reply();
            assertThat(c.send("EHLO client.example.net")).contains("250-AUTH SCRAM-SHA-256 PLAIN LOGIN");
            assertThat(c.send("AUTH PLAIN " + SmtpClient.base64("\0alice@example.org\0wonderland"))).startsWith("235");
            c.send("STARTTLS");
            c.handshake();
            // RFC 3207 §4.2: the client must say EHLO again and log in again.
            assertThat(c.send("MAIL FROM:<alice@example.org>")).startsWith("250");
            assertThat(c.send("RCPT TO:<x@outside.example>")).startsWith("554 5.7.1");
        }
    }

    @Test
    void encryptLevelRequiresStartTlsFirst() throws Exception {
        try (ServerFixture s = server(submission("smtpd_tls_security_level", "encrypt"));
                SmtpClient c = new SmtpClient(s.port())) {
            c.reply();
            c.send("EHLO client.example.net");
            assertThat(c.send("MAIL FROM:<a@example.org>")).isEqualTo("530 5.7.0 Must issue a STARTTLS command first");
            c.send("STARTTLS");
            c.handshake();
            c.send("EHLO client.example.net");
            assertThat(c.send("MAIL FROM:<a@example.org>")).startsWith("250");
        }
    }

    @Test
    void refusesTls11() throws Exception {
        try (ServerFixture s = server(submission()); SmtpClient c = new SmtpClient(s.port())) {
            c.reply();
            c.send("EHLO client.example.net");
            c.send("STARTTLS");
            assertThatThrownBy(() -> c.handshake("TLSv1.1")).isInstanceOf(SSLException.class);
            assertThat(s.logAfterSessions()).contains("SSL_accept error from unknown[127.0.0.1]")
                    .contains("lost connection after STARTTLS from unknown[127.0.0.1]");
        }
    }

    @Test
    void wrapperModeStartsTlsBeforeTheGreeting() throws Exception {
        try (ServerFixture s = server(submission("smtpd_tls_wrappermode", "yes"));
                SmtpClient c = new SmtpClient(s.port())) {
            c.handshake();
            assertThat(c.reply()).startsWith("220 mx.example.org ESMTP");
            String ehlo = c.send("EHLO client.example.net");
            assertThat(ehlo).doesNotContain("STARTTLS").contains("AUTH SCRAM-SHA-256 PLAIN LOGIN");
            assertThat(c.send("AUTH PLAIN " + SmtpClient.base64("\0alice@example.org\0wonderland"))).startsWith("235");
        }
    }

    @Test
    void brokenClientsGetTheOldAuthLineToo() throws Exception {
        try (ServerFixture s = server(submission("smtpd_tls_auth_only", "no", "broken_sasl_auth_clients", "yes",
                "smtpd_sasl_security_options", "noanonymous, noplaintext",
                "smtpd_sasl_tls_security_options", "noanonymous"));
                SmtpClient c = new SmtpClient(s.port())) {
            c.reply();
            // Without TLS the plaintext mechanisms are withheld (noplaintext).
            assertThat(c.send("EHLO client.example.net")).contains("250-AUTH SCRAM-SHA-256\n250-AUTH=SCRAM-SHA-256\n");
            c.send("STARTTLS");
            c.handshake();
            assertThat(c.send("EHLO client.example.net")).contains("250-AUTH SCRAM-SHA-256 PLAIN LOGIN\n")
                    .contains("250-AUTH=SCRAM-SHA-256 PLAIN LOGIN\n");
        }
    }

    @Test
    void unusableKeysCostOnlyStartTlsAtLevelMay() throws Exception {
        try (ServerFixture s = server(submission("smtpd_tls_chain_files", dir.resolve("missing.pem").toString()));
                SmtpClient c = new SmtpClient(s.port())) {
            c.reply();
            assertThat(c.send("EHLO client.example.net")).doesNotContain("STARTTLS");
            assertThat(s.log()).contains("warning: cannot load TLS key or certificate from " + dir.resolve("missing.pem"));
        }
    }

    @Test
    void unusableKeysStopAServiceThatRequiresTls() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> server(submission(
                "smtpd_tls_chain_files", dir.resolve("missing.pem").toString(), "smtpd_tls_wrappermode", "yes")))
                .isInstanceOf(org.bulwark.config.ConfigException.class).hasMessageContaining("missing.pem");
    }

    @Test
    void reloadedCertificatesServeNewConnections() throws Exception {
        try (ServerFixture s = server(submission())) {
            try (SmtpClient c = new SmtpClient(s.port())) {
                c.reply();
                c.send("EHLO a");
                c.send("STARTTLS");
                c.handshake();
                assertThat(c.serverCertificates.get(0).getSubjectX500Principal().getName()).isEqualTo("CN=mx.example.org");
            }
            Path renewed = OpensslCertificates.chainFile(dir, "renewed", KeyForm.EC, "renewed.example.org");
            Files.copy(renewed, chain, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (SmtpClient open = new SmtpClient(s.port())) {
                open.reply();
                assertThat(s.server.reloadTls()).isEmpty();
                // A session that began before the reload goes on.
                open.send("EHLO a");
                open.send("STARTTLS");
                open.handshake();
                assertThat(open.serverCertificates.get(0).getSubjectX500Principal().getName())
                        .isEqualTo("CN=renewed.example.org");
                assertThat(open.send("NOOP")).startsWith("250");
            }
            Files.writeString(chain, "garbage");
            assertThat(s.server.reloadTls()).hasValueSatisfying(m -> assertThat(m).contains("no private key"));
        }
    }
}
