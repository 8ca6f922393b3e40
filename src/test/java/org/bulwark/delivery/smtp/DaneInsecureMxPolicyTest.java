package org.bulwark.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bulwark.config.ConfigLoader;
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

/**
 * smtp_tls_dane_insecure_mx_policy: remote.test sits in an unsigned zone, its MX mx.hoster.test
 * in a signed one with TLSA records, as a domain hosted by a DANE-enabled provider is.
 */
class DaneInsecureMxPolicyTest {

    private static final String BODY = "Subject: dane\n\nhello\n";

    private DeliveryTestBed bed;

    @BeforeEach
    void start() throws Exception {
        bed = DeliveryTestBed.start();
    }

    @AfterEach
    void close() throws Exception {
        bed.close();
    }

    /** A STARTTLS server for mx.hoster.test whose TLSA record (3 1 1) names {@code tlsaFor}'s key. */
    private FakeSmtpServer hosted(TestCertificates served, TestCertificates tlsaFor) throws Exception {
        FakeSmtpServer remote = bed.remote(FakeSmtpServer.options().starttls(served.serverContext()));
        bed.dns.addMx("remote.test", 10, "mx.hoster.test").addA("mx.hoster.test", "127.0.0.1").sign("hoster.test")
                .addTlsa("_" + remote.port() + "._tcp.mx.hoster.test", 3, 1, 1,
                        MessageDigest.getInstance("SHA-256").digest(tlsaFor.certificate().getPublicKey().getEncoded()));
        return remote;
    }

    private Outcome send(FakeSmtpServer remote, String... settings) {
        List<String> all = new ArrayList<>(List.of("smtp_dns_support_level", "dnssec", "smtp_tls_security_level", "dane"));
        all.addAll(List.of(settings));
        return bed.agent(remote.port(), all.toArray(String[]::new))
                .deliver(TestMessage.of("alice@example.test", BODY, "bob@remote.test").request("remote.test"))
                .outcomes().get(0);
    }

    @Test
    void byDefaultTheTlsaRecordsOfTheSecureHostAreUsedAndAMatchIsLoggedAsTrusted() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.hoster.test");
        FakeSmtpServer remote = hosted(cert, cert);

        Outcome outcome = send(remote);

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(bed.logText()).contains("Trusted TLS connection established to mx.hoster.test[127.0.0.1]")
                .doesNotContain("Verified TLS");
    }

    @Test
    void byDefaultAMismatchDefers() throws Exception {
        FakeSmtpServer remote = hosted(TestCertificates.selfSigned("mx.hoster.test"),
                TestCertificates.selfSigned("mx.hoster.test"));

        Outcome outcome = send(remote);

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.7.5");
        assertThat(outcome.text()).isEqualTo("Server certificate not verified");
        assertThat(remote.messages()).isEmpty();
    }

    @Test
    void encryptRequiresTlsWithoutAuthentication() throws Exception {
        FakeSmtpServer mismatched = hosted(TestCertificates.selfSigned("mx.hoster.test"),
                TestCertificates.selfSigned("mx.hoster.test"));

        Outcome outcome = send(mismatched, "smtp_tls_dane_insecure_mx_policy", "encrypt");

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(mismatched.awaitMessages(1).get(0).tls()).isTrue();
        assertThat(bed.logText()).contains("Untrusted TLS connection established to mx.hoster.test[127.0.0.1]");
    }

    @Test
    void mayIgnoresTheTlsaRecordsAsBefore() throws Exception {
        FakeSmtpServer mismatched = hosted(TestCertificates.selfSigned("mx.hoster.test"),
                TestCertificates.selfSigned("mx.hoster.test"));

        Outcome outcome = send(mismatched, "smtp_tls_dane_insecure_mx_policy", "may");

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(bed.dns.questions()).noneMatch(q -> q.contains("_tcp.mx.hoster.test"));
    }

    @Test
    void daneOnlyStillDefersAnInsecureMx() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.hoster.test");
        FakeSmtpServer remote = hosted(cert, cert);

        Outcome outcome = send(remote, "smtp_tls_security_level", "dane-only");

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(remote.connections()).isZero();
    }

    @Test
    void aValueOtherThanMayEncryptOrDaneStopsTheStart(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("main.cf"), "myhostname = mail.example.test\n"
                + "smtp_tls_dane_insecure_mx_policy = verify\n");

        assertThatThrownBy(() -> ConfigLoader.load(dir)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("smtp_tls_dane_insecure_mx_policy = verify: not one of: may, encrypt, dane");
    }
}
