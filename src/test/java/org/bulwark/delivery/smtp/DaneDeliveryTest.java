package org.bulwark.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bulwark.config.ConfigException;
import org.bulwark.delivery.TestMessage;
import org.bulwark.queue.DeliveryReport;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.bulwark.testing.FakeSmtpServer;
import org.bulwark.testing.TestCa;
import org.bulwark.testing.TestCertificates;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DANE (RFC 7672) and fingerprint TLS for outbound mail, against a real STARTTLS server on
 * loopback and a test DNS server that answers for signed zones with the AD bit, as a validating
 * resolver does.
 */
class DaneDeliveryTest {

    private static final String BODY = "Subject: dane\n\nhello\n";

    private DeliveryTestBed bed;
    private TestDnsServer dns;

    @BeforeEach
    void start() throws Exception {
        bed = DeliveryTestBed.start();
        dns = bed.dns;
    }

    @AfterEach
    void close() throws Exception {
        bed.close();
    }

    private FakeSmtpServer remote(FakeSmtpServer.Options options) throws Exception {
        return bed.remote(options);
    }

    /** A STARTTLS server for remote.test's MX mx.remote.test, on loopback. */
    private FakeSmtpServer tlsRemote(TestCertificates cert) throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options().starttls(cert.serverContext()));
        dns.addMx("remote.test", 10, "mx.remote.test").addA("mx.remote.test", "127.0.0.1");
        return remote;
    }

    /** An agent at level dane with DNSSEC lookups, unless {@code settings} say otherwise. */
    private SmtpDelivery agent(int port, String... settings) {
        List<String> all = new ArrayList<>(List.of("smtp_dns_support_level", "dnssec", "smtp_tls_security_level", "dane"));
        all.addAll(List.of(settings));
        return bed.agent(port, all.toArray(String[]::new));
    }

    private static Outcome send(SmtpDelivery agent) {
        DeliveryReport report = agent.deliver(TestMessage.of("alice@example.test", BODY, "bob@remote.test")
                .request("remote.test"));
        return report.outcomes().get(0);
    }

    private String log() {
        return bed.logText();
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private static byte[] spkiSha256(X509Certificate c) throws Exception {
        return sha256(c.getPublicKey().getEncoded());
    }

    private static String tlsa(int port) {
        return "_" + port + "._tcp.mx.remote.test";
    }

    private static void assertNothingSent(FakeSmtpServer remote) {
        assertThat(remote.messages()).isEmpty();
        assertThat(remote.commands()).noneMatch(c -> c.startsWith("MAIL"));
    }

    @Test
    void aDaneEeMatchDeliversAndLogsVerified() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.remote.test");
        FakeSmtpServer remote = tlsRemote(cert);
        dns.sign("remote.test").addTlsa(tlsa(remote.port()), 3, 1, 1, spkiSha256(cert.certificate()));

        Outcome outcome = send(agent(remote.port()));

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(remote.awaitMessages(1).get(0).tls()).isTrue();
        assertThat(log()).contains("Verified TLS connection established to mx.remote.test[127.0.0.1]:" + remote.port()
                + ": TLSv1.3 with cipher");
    }

    @Test
    void daneEeIgnoresTheCertificatesNameAndMatchesTheWholeCertificateToo() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("some.other.name");
        FakeSmtpServer remote = tlsRemote(cert);
        dns.sign("remote.test").addTlsa(tlsa(remote.port()), 3, 0, 1, sha256(cert.certificate().getEncoded()));

        assertThat(send(agent(remote.port())).status()).isEqualTo(Status.SENT);
        assertThat(log()).contains("Verified TLS connection established");
    }

    @Test
    void aTlsaMismatchDefersWithNothingSentInClear() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.remote.test");
        FakeSmtpServer remote = tlsRemote(cert);
        TestCertificates other = TestCertificates.selfSigned("mx.remote.test");
        dns.sign("remote.test").addTlsa(tlsa(remote.port()), 3, 1, 1, spkiSha256(other.certificate()));

        Outcome outcome = send(agent(remote.port()));

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.7.5");
        assertThat(outcome.text()).isEqualTo("Server certificate not verified");
        assertThat(outcome.relay()).isEqualTo("mx.remote.test[127.0.0.1]:" + remote.port());
        assertThat(log()).contains("Untrusted TLS connection established to mx.remote.test[127.0.0.1]");
        assertNothingSent(remote);
        // The failed handshake is not retried in plaintext, as it would be at level may.
        assertThat(remote.connections()).isEqualTo(1);
    }

    @Test
    void aServerWithSecureTlsaThatDoesNotOfferStarttlsIsDeferred() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options());
        dns.addMx("remote.test", 10, "mx.remote.test").addA("mx.remote.test", "127.0.0.1");
        dns.sign("remote.test").addTlsa(tlsa(remote.port()), 3, 1, 1, new byte[32]);

        Outcome outcome = send(agent(remote.port()));

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.7.4");
        assertThat(outcome.text()).isEqualTo("TLS is required, but was not offered by host mx.remote.test[127.0.0.1]");
        assertNothingSent(remote);
    }

    @Test
    void anInsecureZoneIsOpportunisticTls() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.remote.test");
        FakeSmtpServer remote = tlsRemote(cert);
        // Unsigned: these records could be an attacker's, so they neither require nor refuse anything.
        dns.addTlsa(tlsa(remote.port()), 3, 1, 1, new byte[32]);

        Outcome outcome = send(agent(remote.port()));

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(log()).contains("Untrusted TLS connection established to mx.remote.test[127.0.0.1]");
    }

    @Test
    void anInsecureZoneWithoutStarttlsIsDeliveredInPlaintextAtDane() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options());
        dns.addMx("remote.test", 10, "mx.remote.test").addA("mx.remote.test", "127.0.0.1");

        assertThat(send(agent(remote.port())).status()).isEqualTo(Status.SENT);
        assertThat(remote.awaitMessages(1).get(0).tls()).isFalse();
    }

    @Test
    void aSignedZoneWithoutTlsaIsOpportunisticTlsAtDane() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.remote.test");
        FakeSmtpServer remote = tlsRemote(cert);
        dns.sign("remote.test");

        assertThat(send(agent(remote.port())).status()).isEqualTo(Status.SENT);
        assertThat(log()).contains("Untrusted TLS connection established");
    }

    @Test
    void daneOnlyWithoutTlsaDefersWithoutConnecting() throws Exception {
        FakeSmtpServer remote = tlsRemote(TestCertificates.selfSigned("mx.remote.test"));
        dns.sign("remote.test");

        Outcome outcome = send(agent(remote.port(), "smtp_tls_security_level", "dane-only"));

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.7.5");
        assertThat(outcome.text()).isEqualTo("no TLSA records found");
        assertThat(outcome.relay()).isEqualTo("none");
        assertThat(remote.connections()).isZero();
        assertThat(log()).contains("warning: TLS policy lookup for remote.test/mx.remote.test: no TLSA records found");
    }

    @Test
    void daneOnlyToAnInsecureZoneDefers() throws Exception {
        FakeSmtpServer remote = tlsRemote(TestCertificates.selfSigned("mx.remote.test"));

        Outcome outcome = send(agent(remote.port(), "smtp_tls_security_level", "dane-only"));

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.text()).isEqualTo("non DNSSEC destination");
        assertThat(remote.connections()).isZero();
    }

    @Test
    void daneOnlyWithAMatchDelivers() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.remote.test");
        FakeSmtpServer remote = tlsRemote(cert);
        dns.sign("remote.test").addTlsa(tlsa(remote.port()), 3, 1, 2,
                MessageDigest.getInstance("SHA-512").digest(cert.certificate().getPublicKey().getEncoded()));

        assertThat(send(agent(remote.port(), "smtp_tls_security_level", "dane-only")).status()).isEqualTo(Status.SENT);
        assertThat(log()).contains("Verified TLS connection established");
    }

    @Test
    void daneTaMatchesTheIssuerAndChecksTheName() throws Exception {
        TestCa ca = TestCa.create("Test DANE CA");
        TestCertificates cert = ca.issue("mx.remote.test");
        FakeSmtpServer remote = tlsRemote(cert);
        dns.sign("remote.test").addTlsa(tlsa(remote.port()), 2, 0, 1, sha256(ca.certificate().getEncoded()));

        Outcome outcome = send(agent(remote.port()));

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(log()).contains("Verified TLS connection established to mx.remote.test[127.0.0.1]");
    }

    @Test
    void daneTaRefusesACertificateForAnotherHost() throws Exception {
        TestCa ca = TestCa.create("Test DANE CA");
        FakeSmtpServer remote = tlsRemote(ca.issue("www.remote.test"));
        dns.sign("remote.test").addTlsa(tlsa(remote.port()), 2, 0, 1, sha256(ca.certificate().getEncoded()));

        Outcome outcome = send(agent(remote.port()));

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.text()).isEqualTo("Server certificate not verified");
        assertNothingSent(remote);
    }

    @Test
    void daneTaRefusesAChainFromAnotherCa() throws Exception {
        TestCa ca = TestCa.create("Test DANE CA");
        TestCa other = TestCa.create("Test DANE CA");
        FakeSmtpServer remote = tlsRemote(other.issue("mx.remote.test"));
        dns.sign("remote.test").addTlsa(tlsa(remote.port()), 2, 1, 1, spkiSha256(ca.certificate()));

        assertThat(send(agent(remote.port())).status()).isEqualTo(Status.DEFERRED);
        assertNothingSent(remote);
    }

    @Test
    void daneTaWithAFullKeyMatchesAnIssuerTheServerDoesNotSend() throws Exception {
        TestCa ca = TestCa.create("Test DANE CA");
        FakeSmtpServer remote = tlsRemote(ca.issue("mx.remote.test", false));
        dns.sign("remote.test").addTlsa(tlsa(remote.port()), 2, 1, 0, ca.certificate().getPublicKey().getEncoded());

        assertThat(send(agent(remote.port())).status()).isEqualTo(Status.SENT);
        assertThat(log()).contains("Verified TLS connection established");
    }

    @Test
    void daneTaWithAFullKeyRefusesALeafSignedByAnotherKey() throws Exception {
        TestCa ca = TestCa.create("Test DANE CA");
        TestCa other = TestCa.create("Test DANE CA");
        FakeSmtpServer remote = tlsRemote(other.issue("mx.remote.test", false));
        dns.sign("remote.test").addTlsa(tlsa(remote.port()), 2, 1, 0, ca.certificate().getPublicKey().getEncoded());

        assertThat(send(agent(remote.port())).status()).isEqualTo(Status.DEFERRED);
        assertNothingSent(remote);
    }

    @Test
    void theImplicitMxOfASignedDomainUsesTheDomainsTlsa() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("remote.test");
        FakeSmtpServer remote = remote(FakeSmtpServer.options().starttls(cert.serverContext()));
        dns.sign("remote.test").addA("remote.test", "127.0.0.1")
                .addTlsa("_" + remote.port() + "._tcp.remote.test", 3, 1, 1, new byte[32]);

        Outcome outcome = send(agent(remote.port()));

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.text()).isEqualTo("Server certificate not verified");
        assertThat(outcome.relay()).isEqualTo("remote.test[127.0.0.1]:" + remote.port());
    }

    @Test
    void aTlsaServfailDefersWithoutConnecting() throws Exception {
        FakeSmtpServer remote = tlsRemote(TestCertificates.selfSigned("mx.remote.test"));
        dns.sign("remote.test").servfail(tlsa(remote.port()));

        Outcome outcome = send(agent(remote.port()));

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.7.5");
        assertThat(outcome.text()).isEqualTo("TLSA lookup error for mx.remote.test:" + remote.port());
        assertThat(remote.connections()).isZero();
    }

    @Test
    void onlyUnusableTlsaRecordsMakeTlsMandatoryWithoutAuthentication() throws Exception {
        // PKIX-EE(1) is not for SMTP (RFC 7672 §3.1.3): the records only say that TLS is offered.
        FakeSmtpServer plain = remote(FakeSmtpServer.options());
        dns.addMx("remote.test", 10, "mx.remote.test").addA("mx.remote.test", "127.0.0.1");
        dns.sign("remote.test").addTlsa(tlsa(plain.port()), 1, 1, 1, new byte[32]);

        Outcome outcome = send(agent(plain.port()));

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.7.4");
        assertNothingSent(plain);
    }

    @Test
    void onlyUnusableTlsaRecordsStillDeliverOverTls() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.remote.test");
        FakeSmtpServer remote = tlsRemote(cert);
        dns.sign("remote.test").addTlsa(tlsa(remote.port()), 0, 1, 1, spkiSha256(cert.certificate()));

        assertThat(send(agent(remote.port())).status()).isEqualTo(Status.SENT);
        assertThat(remote.awaitMessages(1).get(0).tls()).isTrue();
        assertThat(log()).contains("Untrusted TLS connection established");
    }

    @Test
    void daneWithoutDnssecLookupsWarnsAndActsAsMay() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.remote.test");
        FakeSmtpServer remote = tlsRemote(cert);
        dns.sign("remote.test").addTlsa(tlsa(remote.port()), 3, 1, 1, new byte[32]);

        Outcome outcome = send(agent(remote.port(), "smtp_dns_support_level", ""));

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(log()).contains("warning: smtp_tls_security_level = dane configured with dnssec lookups disabled");
    }

    @Test
    void daneOnlyWithoutDnssecLookupsDefers() throws Exception {
        FakeSmtpServer remote = tlsRemote(TestCertificates.selfSigned("mx.remote.test"));
        dns.sign("remote.test");

        Outcome outcome = send(agent(remote.port(), "smtp_dns_support_level", "enabled",
                "smtp_tls_security_level", "dane-only"));

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.text()).isEqualTo("client TLS configuration problem");
        assertThat(remote.connections()).isZero();
    }

    @Test
    void aBracketedNexthopUsesTheHostsOwnTlsa() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.remote.test");
        FakeSmtpServer remote = tlsRemote(cert);
        dns.sign("remote.test").addTlsa(tlsa(remote.port()), 3, 1, 1, spkiSha256(cert.certificate()));

        Outcome outcome = agent(remote.port()).deliver(TestMessage.of("alice@example.test", BODY, "bob@remote.test")
                .request("[mx.remote.test]")).outcomes().get(0);

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(log()).contains("Verified TLS connection established");
    }

    @Test
    void fingerprintLevelDeliversToAMatchingCertificate() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.remote.test");
        FakeSmtpServer remote = tlsRemote(cert);
        String fingerprint = HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha256(cert.certificate().getEncoded()));

        Outcome outcome = send(agent(remote.port(), "smtp_tls_security_level", "fingerprint",
                "smtp_tls_fingerprint_cert_match", "AA".repeat(32) + ", " + fingerprint));

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(log()).contains("Verified TLS connection established to mx.remote.test[127.0.0.1]");
    }

    @Test
    void fingerprintLevelMatchesThePublicKeyInAnotherDigest() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.remote.test");
        FakeSmtpServer remote = tlsRemote(cert);
        String fingerprint = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-1").digest(cert.certificate().getPublicKey().getEncoded()));

        assertThat(send(agent(remote.port(), "smtp_tls_security_level", "fingerprint",
                "smtp_tls_fingerprint_digest", "sha1", "smtp_tls_fingerprint_cert_match", fingerprint)).status())
                .isEqualTo(Status.SENT);
    }

    @Test
    void fingerprintLevelDefersAnotherCertificate() throws Exception {
        FakeSmtpServer remote = tlsRemote(TestCertificates.selfSigned("mx.remote.test"));
        String fingerprint = HexFormat.of().formatHex(
                sha256(TestCertificates.selfSigned("mx.remote.test").certificate().getEncoded()));

        Outcome outcome = send(agent(remote.port(), "smtp_tls_security_level", "fingerprint",
                "smtp_tls_fingerprint_cert_match", fingerprint));

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.text()).isEqualTo("Server certificate not verified");
        assertNothingSent(remote);
    }

    @Test
    void fingerprintLevelWithoutFingerprintsDefers() throws Exception {
        FakeSmtpServer remote = tlsRemote(TestCertificates.selfSigned("mx.remote.test"));

        Outcome outcome = send(agent(remote.port(), "smtp_tls_security_level", "fingerprint"));

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.text()).isEqualTo("client TLS configuration problem");
        assertThat(log()).contains("with no fingerprints to match");
        assertThat(remote.connections()).isZero();
    }

    @Test
    void aMalformedFingerprintIsAConfigurationError() {
        assertThatThrownBy(() -> agent(25, "smtp_tls_security_level", "fingerprint",
                "smtp_tls_fingerprint_cert_match", "not:hex"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("smtp_tls_fingerprint_cert_match: bad fingerprint \"not:hex\"; a sha256 "
                        + "fingerprint (smtp_tls_fingerprint_digest) is 32 hex bytes");
    }
}
