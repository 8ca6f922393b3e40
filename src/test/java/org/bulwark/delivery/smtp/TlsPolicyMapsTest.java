package org.bulwark.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bulwark.config.ConfigException;
import org.bulwark.delivery.TestMessage;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.bulwark.testing.FakeSmtpServer;
import org.bulwark.testing.TestCa;
import org.bulwark.testing.TestCertificates;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * smtp_tls_policy_maps: per-destination TLS levels over smtp_tls_security_level, against real
 * STARTTLS servers on loopback found through the test DNS server.
 */
class TlsPolicyMapsTest {

    private static final String BODY = "Subject: policy\n\nhello\n";

    @TempDir
    Path dir;

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

    /** A server for remote.test and sub.remote.test (MX mx.remote.test), with STARTTLS when {@code cert} is given. */
    private FakeSmtpServer remote(TestCertificates cert) throws Exception {
        FakeSmtpServer remote = bed.remote(cert == null ? FakeSmtpServer.options()
                : FakeSmtpServer.options().starttls(cert.serverContext()));
        dns.addMx("remote.test", 10, "mx.remote.test").addMx("sub.remote.test", 10, "mx.remote.test")
                .addA("mx.remote.test", "127.0.0.1");
        return remote;
    }

    private Path table(String... lines) throws Exception {
        return Files.writeString(dir.resolve("tls_policy"), String.join("\n", lines) + "\n");
    }

    private SmtpDelivery agent(int port, Path table, String... settings) {
        List<String> all = new ArrayList<>(List.of("smtp_tls_security_level", "may",
                "smtp_tls_policy_maps", "texthash:" + table));
        all.addAll(List.of(settings));
        return bed.agent(port, all.toArray(String[]::new));
    }

    private static Outcome send(SmtpDelivery agent, String domain, String nexthop) {
        return agent.deliver(TestMessage.of("alice@example.test", BODY, "bob@" + domain).request(nexthop))
                .outcomes().get(0);
    }

    private static void assertNothingSent(FakeSmtpServer remote) {
        assertThat(remote.messages()).isEmpty();
        assertThat(remote.commands()).noneMatch(c -> c.startsWith("MAIL"));
    }

    @Test
    void encryptForTheDomainDefersAServerWithoutStarttls() throws Exception {
        FakeSmtpServer remote = remote(null);

        Outcome outcome = send(agent(remote.port(), table("remote.test encrypt")), "remote.test", "remote.test");

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.7.4");
        assertThat(outcome.text()).isEqualTo("TLS is required, but was not offered by host mx.remote.test[127.0.0.1]");
        assertNothingSent(remote);
    }

    @Test
    void noneForAnExplicitNexthopSendsInClearDespiteLevelMay() throws Exception {
        FakeSmtpServer remote = remote(TestCertificates.selfSigned("mx.remote.test"));
        String nexthop = "[mx.remote.test]:" + remote.port();

        Outcome outcome = send(agent(remote.port(), table(nexthop + " none")), "remote.test", nexthop);

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(remote.awaitMessages(1).get(0).tls()).isFalse();
        assertThat(remote.commands()).noneMatch(c -> c.startsWith("STARTTLS"));
    }

    @Test
    void attributesAtLevelNoneAreIgnoredWithAWarning() throws Exception {
        FakeSmtpServer remote = remote(TestCertificates.selfSigned("mx.remote.test"));

        Outcome outcome = send(agent(remote.port(), table("remote.test none match=mx.remote.test"),
                "smtp_tls_security_level", "encrypt"), "remote.test", "remote.test");

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(remote.awaitMessages(1).get(0).tls()).isFalse();
        assertThat(bed.logText()).contains("warning: smtp_tls_policy_maps, next-hop destination \"remote.test\": "
                + "ignoring attribute \"match=mx.remote.test\" with TLS disabled");
    }

    @Test
    void withoutAnEntryTheGlobalLevelApplies() throws Exception {
        FakeSmtpServer remote = remote(TestCertificates.selfSigned("mx.remote.test"));
        String nexthop = "[mx.remote.test]:" + remote.port();

        // The entry is for the explicit nexthop only: the domain itself is not a key of it.
        Outcome outcome = send(agent(remote.port(), table(nexthop + " none")), "remote.test", "remote.test");

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(remote.awaitMessages(1).get(0).tls()).isTrue();
    }

    @Test
    void thePolicyLevelTakesPrecedenceOverTheGlobalLevel() throws Exception {
        FakeSmtpServer remote = remote(null);
        Path table = table("remote.test may");

        Outcome outcome = send(agent(remote.port(), table, "smtp_tls_security_level", "encrypt"),
                "remote.test", "remote.test");
        Outcome other = send(agent(remote.port(), table, "smtp_tls_security_level", "encrypt"),
                "sub.remote.test", "sub.remote.test");

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        // sub.remote.test matches neither remote.test nor a .remote.test entry: encrypt applies.
        assertThat(other.status()).isEqualTo(Status.DEFERRED);
        assertThat(other.dsn()).isEqualTo("4.7.4");
        assertThat(remote.awaitMessages(1)).hasSize(1);
    }

    @Test
    void aParentDomainEntryVerifiesTheHostnameAndRefusesAnotherName() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("other.test");
        Path ca = cert.writePem(dir.resolve("ca.pem"));
        FakeSmtpServer remote = remote(cert);

        Outcome outcome = send(agent(remote.port(), table(".remote.test verify match=hostname"),
                "smtp_tls_CAfile", ca.toString()), "sub.remote.test", "sub.remote.test");

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.7.5");
        assertThat(outcome.text()).contains("Server certificate not verified");
        assertNothingSent(remote);
    }

    @Test
    void aParentDomainEntryVerifiesTheHostnameAndAcceptsTheRightName() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.remote.test");
        Path ca = cert.writePem(dir.resolve("ca.pem"));
        FakeSmtpServer remote = remote(cert);

        Outcome outcome = send(agent(remote.port(), table(".remote.test verify match=hostname"),
                "smtp_tls_CAfile", ca.toString()), "sub.remote.test", "sub.remote.test");

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(bed.logText()).contains("Verified TLS connection established to mx.remote.test[127.0.0.1]");
    }

    @Test
    void matchNamesReplaceTheDefaults() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.remote.test");
        Path ca = cert.writePem(dir.resolve("ca.pem"));
        FakeSmtpServer remote = remote(cert);

        // secure with match=nexthop only: the MX host's certificate does not name remote.test.
        Outcome outcome = send(agent(remote.port(), table("remote.test secure match=nexthop"),
                "smtp_tls_CAfile", ca.toString()), "remote.test", "remote.test");
        Outcome named = send(agent(remote.port(), table("remote.test secure match=nexthop:mx.remote.test"),
                "smtp_tls_CAfile", ca.toString()), "remote.test", "remote.test");

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(named.status()).isEqualTo(Status.SENT);
    }

    @Test
    void aFingerprintEntryMatchesTheCertificateAndRefusesAnother() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.remote.test");
        FakeSmtpServer remote = remote(cert);
        String right = HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(cert.certificate().getEncoded()));
        String wrong = HexFormat.ofDelimiter(":").formatHex(new byte[32]);

        Outcome refused = send(agent(remote.port(), table("remote.test fingerprint match=" + wrong)),
                "remote.test", "remote.test");
        Outcome sent = send(agent(remote.port(), table("remote.test fingerprint match=" + wrong + "|" + right)),
                "remote.test", "remote.test");

        assertThat(refused.status()).isEqualTo(Status.DEFERRED);
        assertThat(refused.dsn()).isEqualTo("4.7.5");
        assertThat(sent.status()).isEqualTo(Status.SENT);
        assertThat(remote.awaitMessages(1)).hasSize(1);
        assertThat(bed.logText()).contains("Verified TLS connection established to mx.remote.test[127.0.0.1]");
    }

    @Test
    void aBadLevelInATableReadAtLoadIsRefusedWithFileAndLine() throws Exception {
        Path table = table("# per-destination TLS", "remote.test bogus");

        assertThatThrownBy(() -> agent(25, table))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> {
                    ConfigException c = (ConfigException) e;
                    assertThat(c.file()).isEqualTo(table);
                    assertThat(c.line()).isEqualTo(2);
                })
                .hasMessageContaining("invalid security level \"bogus\"");
    }

    @Test
    void anInlineTableIsReadAndCheckedAtLoad() throws Exception {
        FakeSmtpServer remote = remote(null);

        Outcome outcome = send(agent(remote.port(), dir, "smtp_tls_policy_maps", "inline:{ remote.test=encrypt }"),
                "remote.test", "remote.test");

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertNothingSent(remote);
        assertThatThrownBy(() -> agent(25, dir, "smtp_tls_policy_maps", "inline:{ remote.test=bogus }"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("smtp_tls_policy_maps inline:{ remote.test=bogus }: entry \"remote.test\": "
                        + "invalid security level \"bogus\"");
    }

    @Test
    void attributesThatAreNotImplementedAreRefusedAtLoad() throws Exception {
        assertThatThrownBy(() -> agent(25, table("remote.test encrypt ciphers=low")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ciphers=low");
        assertThatThrownBy(() -> agent(25, table("remote.test secure tafile=/etc/ta.pem")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tafile");
        assertThatThrownBy(() -> agent(25, table("remote.test encrypt protocols=!TLSv1.2")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("protocols");
        assertThatThrownBy(() -> agent(25, table("remote.test encrypt connection_reuse=yes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("connection_reuse");
        assertThatThrownBy(() -> agent(25, table("remote.test encrypt match=mx.remote.test")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("invalid at security level \"encrypt\"");
    }

    @Test
    void servernameNamesTheSni() throws Exception {
        FakeSmtpServer remote = remote(TestCertificates.selfSigned("mx.remote.test"));

        send(agent(remote.port(), table("remote.test encrypt servername=sni.remote.test")), "remote.test", "remote.test");
        send(agent(remote.port(), table("remote.test encrypt servername=hostname")), "remote.test", "remote.test");
        send(agent(remote.port(), table("remote.test encrypt")), "remote.test", "remote.test");

        assertThat(remote.awaitMessages(3)).hasSize(3);
        // Without servername= (and smtp_tls_servername empty) no SNI goes, as in Postfix.
        assertThat(remote.serverNames()).containsExactly("sni.remote.test", "mx.remote.test", "");
        assertThatThrownBy(() -> agent(25, table("remote.test encrypt servername=bad_name!")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("\"servername=bad_name!\" specifies an invalid hostname");
    }

    @Test
    void tafileTrustsItsAnchorsInPlaceOfTheCaFile() throws Exception {
        TestCa ca = TestCa.create("Private CA");
        Path anchors = new TestCertificates(ca.certificate(), null).writePem(dir.resolve("ta.pem"));
        FakeSmtpServer remote = remote(ca.issue("mx.remote.test"));

        // smtp_tls_CAfile is not set: only the tafile makes the chain trusted.
        Outcome outcome = send(agent(remote.port(), table("remote.test secure match=hostname tafile=" + anchors)),
                "remote.test", "remote.test");

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(bed.logText()).contains("Verified TLS connection established to mx.remote.test[127.0.0.1]");
    }

    @Test
    void tafileAnchorsTheLeafOfAServerThatDoesNotSendItsCa() throws Exception {
        TestCa ca = TestCa.create("Private CA");
        Path anchors = new TestCertificates(ca.certificate(), null).writePem(dir.resolve("ta.pem"));
        FakeSmtpServer remote = remote(ca.issue("mx.remote.test", false));

        Outcome outcome = send(agent(remote.port(), table("remote.test verify tafile=" + anchors)),
                "remote.test", "remote.test");

        assertThat(outcome.status()).isEqualTo(Status.SENT);
    }

    @Test
    void tafileRefusesAChainFromAnotherCaEvenOneTheCaFileTrusts() throws Exception {
        TestCa ca = TestCa.create("Private CA");
        TestCa other = TestCa.create("Public CA");
        Path anchors = new TestCertificates(ca.certificate(), null).writePem(dir.resolve("ta.pem"));
        Path caFile = new TestCertificates(other.certificate(), null).writePem(dir.resolve("ca.pem"));
        FakeSmtpServer remote = remote(other.issue("mx.remote.test"));

        Outcome outcome = send(agent(remote.port(), table("remote.test secure match=hostname tafile=" + anchors),
                "smtp_tls_CAfile", caFile.toString()), "remote.test", "remote.test");

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.7.5");
        assertThat(outcome.text()).contains("Server certificate not trusted");
        assertNothingSent(remote);
    }

    @Test
    void tafileRefusesACertificateForAnotherName() throws Exception {
        TestCa ca = TestCa.create("Private CA");
        Path anchors = new TestCertificates(ca.certificate(), null).writePem(dir.resolve("ta.pem"));
        FakeSmtpServer remote = remote(ca.issue("www.remote.test"));

        Outcome outcome = send(agent(remote.port(), table("remote.test verify tafile=" + anchors)),
                "remote.test", "remote.test");

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.text()).contains("Server certificate not verified");
        assertNothingSent(remote);
    }

    @Test
    void smtpTlsTrustAnchorFileWithAPublicKeyAnchorsEveryVerifiedDestination() throws Exception {
        TestCa ca = TestCa.create("Private CA");
        Path key = Files.writeString(dir.resolve("ta-key.pem"), "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(ca.keys().getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        FakeSmtpServer remote = remote(ca.issue("mx.remote.test"));

        // secure's default names: the nexthop and its subdomains (mx.remote.test).
        Outcome outcome = send(bed.agent(remote.port(), "smtp_tls_security_level", "secure",
                "smtp_tls_trust_anchor_file", key.toString()), "remote.test", "remote.test");
        Outcome without = send(bed.agent(remote.port(), "smtp_tls_security_level", "secure"),
                "remote.test", "remote.test");

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(bed.logText()).contains("Verified TLS connection established to mx.remote.test[127.0.0.1]");
        assertThat(without.status()).isEqualTo(Status.DEFERRED);
        assertThatThrownBy(() -> bed.agent(25, "smtp_tls_trust_anchor_file", dir.resolve("none.pem").toString()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("smtp_tls_trust_anchor_file: cannot read trust anchors from");
    }

    @Test
    void tafileIsForCaBasedLevelsOnly() throws Exception {
        Path anchors = new TestCertificates(TestCa.create("CA").certificate(), null).writePem(dir.resolve("ta.pem"));

        assertThatThrownBy(() -> agent(25, table("remote.test encrypt tafile=" + anchors)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("attribute \"tafile\" invalid at security level \"encrypt\"");
        assertThatThrownBy(() -> agent(25, table("remote.test secure tafile=" + dir.resolve("missing.pem"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot read trust anchors");
    }

    @Test
    void exclusionsOfSuitesTheClientDoesNotOfferAreAccepted() throws Exception {
        FakeSmtpServer remote = remote(TestCertificates.selfSigned("mx.remote.test"));

        Outcome outcome = send(agent(remote.port(), table("remote.test encrypt exclude=aNULL:eNULL:EXPORT:DES:RC4:MD5:"
                + "PSK:aECDH:EDH-DSS-DES-CBC3-SHA:EDH-RSA-DES-CBC3-SHA:KRB5-DES-CBC3-SHA")), "remote.test", "remote.test");

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThatThrownBy(() -> agent(25, table("remote.test encrypt exclude=kEECDH")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("attribute \"exclude=kEECDH\" is not implemented")
                .hasMessageContaining("\"kEECDH\" is not one");
    }

    @Test
    void anExclusionOfAnOfferedSuiteIsRefused() {
        assertThatThrownBy(() -> CipherExclusions.check("RC4:3DES",
                List.of("TLS_AES_128_GCM_SHA256", "TLS_RSA_WITH_3DES_EDE_CBC_SHA")))
                .hasMessageContaining("\"3DES\" would remove TLS_RSA_WITH_3DES_EDE_CBC_SHA");
        CipherExclusions.check("RC4:3DES", List.of("TLS_AES_128_GCM_SHA256"));
    }

    @Test
    void stockProtocolsAndCiphersAreAccepted() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.remote.test");
        FakeSmtpServer remote = remote(cert);

        Outcome outcome = send(agent(remote.port(),
                table("remote.test encrypt protocols=!SSLv2:!SSLv3:!TLSv1:!TLSv1.1 ciphers=high")),
                "remote.test", "remote.test");

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(remote.awaitMessages(1).get(0).tls()).isTrue();
    }

    @Test
    void aBadLevelFoundAtDeliveryDefersWithPostfixsWarning() throws Exception {
        FakeSmtpServer remote = remote(TestCertificates.selfSigned("mx.remote.test"));
        // A regexp table cannot be listed at load: its entries are judged when they match.
        Path table = Files.writeString(dir.resolve("tls_policy.regexp"), "/^remote\\.test$/ bogus\n");

        Outcome outcome = send(agent(remote.port(), table, "smtp_tls_policy_maps", "regexp:" + table),
                "remote.test", "remote.test");

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.7.5");
        assertThat(outcome.text()).isEqualTo("client TLS configuration problem");
        assertThat(remote.connections()).isZero();
        assertThat(bed.logText()).contains(
                "warning: smtp_tls_policy_maps, next-hop destination \"remote.test\": invalid security level \"bogus\"");
    }
}
