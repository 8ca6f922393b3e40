package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.MessageDigest;
import org.bulwark.config.ConfigException;
import org.bulwark.testing.FakeSmtpServer;
import org.bulwark.testing.TestCertificates;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DANE through the whole server: mail queued by smtpd leaves over TLS checked against TLSA records
 * from a signed zone, and the maillog shows Postfix's lines for a match and for a mismatch.
 */
class DaneOutboundTest {

    @TempDir
    Path dir;

    private TestDnsServer dns;
    private MailSystemFixture mail;
    private FakeSmtpServer remote;
    private final TestCertificates certificate = TestCertificates.selfSigned("mx.remote.test");

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        dns.sign("remote.test").addMx("remote.test", 10, "mx.remote.test").addA("mx.remote.test", "127.0.0.1");
        remote = FakeSmtpServer.start(FakeSmtpServer.options().starttls(certificate.serverContext()));
        mail = new MailSystemFixture(dir.resolve("sender"))
                .set("dns_servers", dns.address())
                .set("smtp_tcp_port", String.valueOf(remote.port()))
                .set("smtp_dns_support_level", "dnssec")
                .set("smtp_tls_security_level", "dane-only");
    }

    @AfterEach
    void stop() throws Exception {
        mail.close();
        remote.close();
        dns.close();
    }

    private void send() throws Exception {
        try (SmtpDialogue c = new SmtpDialogue(mail.port(), "127.0.0.1")) {
            assertThat(c.reply()).startsWith("220");
            assertThat(c.command("EHLO client.example.test")).startsWith("250");
            assertThat(c.command("MAIL FROM:<alice@example.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<bob@remote.test>")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            assertThat(c.command("Subject: dane\r\n\r\nHello.\r\n.")).startsWith("250");
            c.command("QUIT");
        }
    }

    private byte[] spkiSha256() throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(certificate.certificate().getPublicKey().getEncoded());
    }

    @Test
    void aMatchingTlsaRecordIsLoggedAsVerified() throws Exception {
        dns.addTlsa("_" + remote.port() + "._tcp.mx.remote.test", 3, 1, 1, spkiSha256());
        mail.start();
        send();

        assertThat(remote.awaitMessages(1).get(0).tls()).isTrue();
        assertThat(mail.awaitLog("Verified TLS connection established to mx.remote.test[127.0.0.1]:" + remote.port()
                + ": TLSv1.3 with cipher")).isNotNull();
        assertThat(mail.awaitLog("status=sent")).contains("relay=mx.remote.test[127.0.0.1]:" + remote.port());
    }

    @Test
    void aMismatchIsDeferredWithPostfixsReason() throws Exception {
        byte[] wrong = spkiSha256();
        wrong[0] ^= 1;
        dns.addTlsa("_" + remote.port() + "._tcp.mx.remote.test", 3, 1, 1, wrong);
        mail.start();
        send();

        assertThat(mail.awaitLog("status=deferred"))
                .contains("dsn=4.7.5, status=deferred (Server certificate not verified)");
        assertThat(remote.messages()).isEmpty();
    }

    @Test
    void aMalformedFingerprintStopsTheStartWithItsMainCfLine() {
        mail.set("smtp_tls_security_level", "fingerprint").set("smtp_tls_fingerprint_cert_match", "12:34:zz");

        assertThatThrownBy(mail::start)
                .isInstanceOf(ConfigException.class)
                .hasMessageMatching("(?s).*main\\.cf, line \\d+: smtp_tls_fingerprint_cert_match: bad fingerprint \"12:34:zz\".*");
    }
}
