package org.bulwark.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bulwark.delivery.TestMessage;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.bulwark.testing.FakeSmtpServer;
import org.bulwark.testing.MtaStsPolicyServer;
import org.bulwark.testing.TestCa;
import org.bulwark.testing.TestCertificates;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MTA-STS (RFC 8461) on the SMTP client: the test DNS server publishes {@code _mta-sts.remote.test}
 * and the hosts, a policy host on loopback serves the policy over HTTPS with a certificate of the
 * test CA (trusted through smtp_tls_CAfile), and a STARTTLS server plays the MX.
 */
class MtaStsDeliveryTest {

    private static final String BODY = "Subject: sts\n\nhello\n";
    private static final String ENFORCE = "version: STSv1\nmode: enforce\nmx: mx.remote.test\nmax_age: 86400\n";
    private static final String TESTING = "version: STSv1\nmode: testing\nmx: mx.remote.test\nmax_age: 86400\n";

    @TempDir
    Path dir;

    private DeliveryTestBed bed;
    private TestDnsServer dns;
    private TestCa ca;
    private Path caFile;
    private MtaStsPolicyServer policyHost;
    private final Reports reports = new Reports();

    /**
     * What the reporting hook was handed, one line per call: the policy as its type and its
     * {@code mode:} line ("-" when it has no lines), and the MX ("-" for a failure of the policy itself).
     */
    static final class Reports implements TlsSessionReports {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<TlsReportPolicy> policies = new CopyOnWriteArrayList<>();

        @Override
        public void success(String policyDomain, TlsReportPolicy policy, String mxHost) {
            policies.add(policy);
            calls.add("success " + policyDomain + " " + describe(policy) + " " + mxHost);
        }

        @Override
        public void failure(String policyDomain, TlsReportPolicy policy, String resultType, String mxHost,
                            String receivingIp, String reason) {
            policies.add(policy);
            calls.add("failure " + policyDomain + " " + describe(policy) + " " + resultType + " "
                    + (mxHost.isEmpty() ? "-" : mxHost));
        }

        private static String describe(TlsReportPolicy policy) {
            return policy.type() + " " + policy.strings().stream().filter(l -> l.startsWith("mode:"))
                    .map(l -> l.substring(5).strip()).findFirst().orElse("-");
        }
    }

    @BeforeEach
    void start() throws Exception {
        bed = DeliveryTestBed.start();
        dns = bed.dns;
        ca = TestCa.create("Test Web CA");
        caFile = new TestCertificates(ca.certificate(), null).writePem(dir.resolve("ca.pem"));
        policyHost = bed.closeLater(MtaStsPolicyServer.start(ca.issue("mta-sts.remote.test").serverContext()));
        dns.addTxt("_mta-sts.remote.test", "v=STSv1; id=20261207T000000;")
                .addA("mta-sts.remote.test", "127.0.0.1")
                .addMx("remote.test", 10, "mx.remote.test").addA("mx.remote.test", "127.0.0.1");
    }

    @AfterEach
    void close() throws Exception {
        bed.close();
    }

    private FakeSmtpServer mx(TestCertificates cert) throws Exception {
        return bed.remote(cert == null ? FakeSmtpServer.options() : FakeSmtpServer.options().starttls(cert.serverContext()));
    }

    private SmtpDelivery agent(int port, String... settings) {
        List<String> all = new ArrayList<>(List.of("smtp_tls_CAfile", caFile.toString(),
                "smtp_mta_sts_https_port", String.valueOf(policyHost.port()),
                "smtp_mta_sts_cache_directory", dir.resolve("mta-sts").toString()));
        all.addAll(List.of(settings));
        return bed.agent(reports, port, all.toArray(String[]::new));
    }

    private static Outcome send(SmtpDelivery agent) {
        return send(agent, "remote.test");
    }

    private static Outcome send(SmtpDelivery agent, String nexthop) {
        return agent.deliver(TestMessage.of("alice@example.test", BODY, "bob@remote.test").request(nexthop))
                .outcomes().get(0);
    }

    private static void assertNothingSent(FakeSmtpServer remote) {
        assertThat(remote.messages()).isEmpty();
        assertThat(remote.commands()).noneMatch(c -> c.startsWith("MAIL"));
    }

    @Test
    void enforceDeliversOverVerifiedTlsToAMatchingMx() throws Exception {
        policyHost.policy(ENFORCE);
        FakeSmtpServer remote = mx(ca.issue("mx.remote.test"));

        Outcome outcome = send(agent(remote.port()));

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(remote.awaitMessages(1).get(0).tls()).isTrue();
        assertThat(bed.logText()).contains("Verified TLS connection established to mx.remote.test[127.0.0.1]");
        assertThat(policyHost.requests()).containsExactly("mta-sts.remote.test");
        assertThat(bed.logText()).contains("MTA-STS policy for remote.test: id 20261207T000000, mode enforce, "
                + "mx mx.remote.test, max_age 86400");
        assertThat(reports.calls).containsExactly("success remote.test sts enforce mx.remote.test");
        // RFC 8460 §4.3: the policy-string is the policy file's lines, mx-host its patterns.
        assertThat(reports.policies).containsExactly(TlsReportPolicy.sts("remote.test",
                List.of("version: STSv1", "mode: enforce", "mx: mx.remote.test", "max_age: 86400"),
                List.of("mx.remote.test")));
    }

    @Test
    void aWildcardPatternMatchesOneLabel() throws Exception {
        policyHost.policy("version: STSv1\nmode: enforce\nmx: *.remote.test\nmax_age: 86400\n");
        FakeSmtpServer remote = mx(ca.issue("mx.remote.test"));

        assertThat(send(agent(remote.port())).status()).isEqualTo(Status.SENT);
        assertThat(remote.awaitMessages(1).get(0).tls()).isTrue();
    }

    @Test
    void enforceDefersAnMxOutsideThePolicyWithoutConnecting() throws Exception {
        policyHost.policy(ENFORCE);
        FakeSmtpServer remote = mx(ca.issue("mx.other.net"));
        dns.remove("remote.test").addMx("remote.test", 10, "mx.other.net").addA("mx.other.net", "127.0.0.1");

        Outcome outcome = send(agent(remote.port()));

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.7.5");
        assertThat(outcome.text())
                .isEqualTo("MTA-STS policy for remote.test: MX mx.other.net does not match the policy's mx patterns");
        assertThat(remote.connections()).isZero();
        assertThat(bed.logText()).contains("warning: TLS policy lookup for remote.test/mx.other.net: MTA-STS policy "
                + "for remote.test: MX mx.other.net does not match the policy's mx patterns");
        assertThat(reports.calls).containsExactly("failure remote.test sts enforce validation-failure mx.other.net");
    }

    @Test
    void enforceDefersAnUntrustedCertificateAndNeverSendsInClear() throws Exception {
        policyHost.policy(ENFORCE);
        FakeSmtpServer remote = mx(TestCertificates.selfSigned("mx.remote.test"));

        Outcome outcome = send(agent(remote.port(), "smtp_tls_security_level", "may"));

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.7.5");
        assertThat(outcome.text()).isEqualTo(
                "MTA-STS policy for remote.test: Server certificate not trusted: mx.remote.test[127.0.0.1]: untrusted issuer");
        assertNothingSent(remote);
        // Not retried without TLS, as level may alone would.
        assertThat(remote.connections()).isEqualTo(1);
        assertThat(reports.calls).containsExactly("failure remote.test sts enforce certificate-not-trusted mx.remote.test");
    }

    @Test
    void enforceDefersACertificateForAnotherName() throws Exception {
        policyHost.policy(ENFORCE);
        FakeSmtpServer remote = mx(ca.issue("www.remote.test"));

        Outcome outcome = send(agent(remote.port()));

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.text()).startsWith("MTA-STS policy for remote.test: Server certificate not verified: "
                + "mx.remote.test[127.0.0.1]");
        assertNothingSent(remote);
        assertThat(reports.calls).containsExactly("failure remote.test sts enforce certificate-host-mismatch mx.remote.test");
    }

    @Test
    void enforceDefersAServerWithoutStarttls() throws Exception {
        policyHost.policy(ENFORCE);
        FakeSmtpServer remote = mx(null);

        Outcome outcome = send(agent(remote.port()));

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.7.4");
        assertThat(outcome.text()).isEqualTo(
                "MTA-STS policy for remote.test: TLS is required, but was not offered by host mx.remote.test[127.0.0.1]");
        assertNothingSent(remote);
    }

    @Test
    void testingModeDeliversDespiteABadCertificateAndReportsIt() throws Exception {
        policyHost.policy(TESTING);
        FakeSmtpServer remote = mx(TestCertificates.selfSigned("mx.remote.test"));

        Outcome outcome = send(agent(remote.port()));

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(remote.awaitMessages(1).get(0).tls()).isTrue();
        assertThat(bed.logText()).contains("warning: MTA-STS policy for remote.test: Server certificate not trusted: "
                + "mx.remote.test[127.0.0.1]: untrusted issuer (policy mode testing: delivering anyway)");
        assertThat(reports.calls).containsExactly("failure remote.test sts testing certificate-not-trusted mx.remote.test");
    }

    @Test
    void testingModeDeliversToAnMxOutsideThePolicy() throws Exception {
        policyHost.policy(TESTING);
        FakeSmtpServer remote = mx(null);
        dns.remove("remote.test").addMx("remote.test", 10, "mx.other.net").addA("mx.other.net", "127.0.0.1");

        assertThat(send(agent(remote.port())).status()).isEqualTo(Status.SENT);
        assertThat(reports.calls).containsExactly("failure remote.test sts testing validation-failure mx.other.net");
    }

    @Test
    void modeNoneChangesNothing() throws Exception {
        policyHost.policy("version: STSv1\nmode: none\nmax_age: 86400\n");
        FakeSmtpServer remote = mx(TestCertificates.selfSigned("mx.remote.test"));

        assertThat(send(agent(remote.port())).status()).isEqualTo(Status.SENT);
        assertThat(remote.awaitMessages(1).get(0).tls()).isFalse();
        assertThat(reports.calls).isEmpty();
    }

    @Test
    void withoutTheTxtRecordNoPolicyIsFetched() throws Exception {
        policyHost.policy(ENFORCE);
        dns.remove("_mta-sts.remote.test");
        FakeSmtpServer remote = mx(TestCertificates.selfSigned("mx.remote.test"));

        assertThat(send(agent(remote.port())).status()).isEqualTo(Status.SENT);
        assertThat(policyHost.requests()).isEmpty();
    }

    @Test
    void disabledMtaStsIgnoresThePolicy() throws Exception {
        policyHost.policy(ENFORCE);
        FakeSmtpServer remote = mx(TestCertificates.selfSigned("mx.remote.test"));

        assertThat(send(agent(remote.port(), "smtp_mta_sts_enable", "no")).status()).isEqualTo(Status.SENT);
        assertThat(policyHost.requests()).isEmpty();
    }

    @Test
    void anExplicitHostNexthopIsNotSubjectToThePolicy() throws Exception {
        policyHost.policy(ENFORCE);
        FakeSmtpServer remote = mx(TestCertificates.selfSigned("mx.remote.test"));

        assertThat(send(agent(remote.port()), "[mx.remote.test]").status()).isEqualTo(Status.SENT);
        assertThat(policyHost.requests()).isEmpty();
    }

    @Test
    void aPolicyMapEntryWinsOverMtaSts() throws Exception {
        policyHost.policy(ENFORCE);
        FakeSmtpServer remote = mx(TestCertificates.selfSigned("mx.remote.test"));
        Path table = Files.writeString(dir.resolve("tls_policy"), "remote.test encrypt\n");

        Outcome outcome = send(agent(remote.port(), "smtp_tls_policy_maps", "texthash:" + table));

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(remote.awaitMessages(1).get(0).tls()).isTrue();
        assertThat(policyHost.requests()).isEmpty();
    }

    @Test
    void daneWinsWhereTheMxHasSecureTlsaRecords() throws Exception {
        policyHost.policy(ENFORCE);
        // Self-signed: MTA-STS would refuse it, DANE-EE vouches for it.
        TestCertificates cert = TestCertificates.selfSigned("mx.remote.test");
        FakeSmtpServer remote = mx(cert);
        dns.sign("remote.test").addTlsa("_" + remote.port() + "._tcp.mx.remote.test", 3, 1, 1,
                MessageDigest.getInstance("SHA-256").digest(cert.certificate().getPublicKey().getEncoded()));

        Outcome outcome = send(agent(remote.port(), "smtp_dns_support_level", "dnssec", "smtp_tls_security_level", "dane"));

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(bed.logText()).contains("Verified TLS connection established to mx.remote.test[127.0.0.1]");
    }

    @Test
    void aCachedPolicySurvivesARestartAndIsNotFetchedAgain() throws Exception {
        policyHost.policy(ENFORCE);
        FakeSmtpServer remote = mx(ca.issue("mx.remote.test"));
        assertThat(send(agent(remote.port())).status()).isEqualTo(Status.SENT);
        policyHost.status(500);

        // A new agent is a restart: the policy comes from the cache directory, under the same id.
        Outcome again = send(agent(remote.port()));

        assertThat(again.status()).isEqualTo(Status.SENT);
        assertThat(policyHost.requests()).hasSize(1);
        assertThat(Files.readString(dir.resolve("mta-sts/remote.test"))).contains("id: 20261207T000000", "mode: enforce");
        assertThat(bed.logText()).doesNotContain("using the cached policy");
    }

    @Test
    void theCacheLivesInTheDataDirectoryByDefault() throws Exception {
        policyHost.policy(ENFORCE);
        FakeSmtpServer remote = mx(ca.issue("mx.remote.test"));

        Outcome outcome = send(bed.agent(reports, remote.port(), "smtp_tls_CAfile", caFile.toString(),
                "smtp_mta_sts_https_port", String.valueOf(policyHost.port()), "data_directory", dir.toString()));

        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(dir.resolve("mta-sts/remote.test")).exists();
    }

    @Test
    void aCachedPolicyAppliesWhenTheNewOneCannotBeFetched() throws Exception {
        policyHost.policy(ENFORCE);
        FakeSmtpServer remote = mx(ca.issue("mx.remote.test"));
        assertThat(send(agent(remote.port())).status()).isEqualTo(Status.SENT);
        // A new id, a policy host that fails, and an MX the cached policy does not list.
        dns.remove("_mta-sts.remote.test").addTxt("_mta-sts.remote.test", "v=STSv1; id=2;");
        dns.remove("remote.test").addMx("remote.test", 10, "mx.other.net").addA("mx.other.net", "127.0.0.1");
        policyHost.status(404);

        Outcome outcome = send(agent(remote.port()));

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.text()).contains("MX mx.other.net does not match the policy's mx patterns");
        assertThat(policyHost.requests()).hasSize(2);
        assertThat(bed.logText()).contains("warning: MTA-STS policy for remote.test: policy fetch from "
                + "mta-sts.remote.test[127.0.0.1]:" + policyHost.port() + " failed: HTTP status 404");
        assertThat(bed.logText()).contains("; using the cached policy");
        assertThat(reports.calls).contains("failure remote.test sts enforce sts-policy-fetch-error -");
    }

    @Test
    void aNewIdFetchesTheNewPolicy() throws Exception {
        policyHost.policy(ENFORCE);
        FakeSmtpServer remote = mx(TestCertificates.selfSigned("mx.remote.test"));
        assertThat(send(agent(remote.port())).status()).isEqualTo(Status.DEFERRED);
        dns.remove("_mta-sts.remote.test").addTxt("_mta-sts.remote.test", "v=STSv1; id=2;");
        policyHost.policy(TESTING);

        assertThat(send(agent(remote.port())).status()).isEqualTo(Status.SENT);
        assertThat(policyHost.requests()).hasSize(2);
    }

    @Test
    void withoutACachedPolicyAFailedFetchDeliversAsWithoutAPolicy() throws Exception {
        policyHost.redirect("https://elsewhere.test/.well-known/mta-sts.txt");
        FakeSmtpServer remote = mx(TestCertificates.selfSigned("mx.remote.test"));

        assertThat(send(agent(remote.port())).status()).isEqualTo(Status.SENT);
        assertThat(bed.logText()).contains("failed: HTTP status 302", "delivering as if the domain had no policy");
        assertThat(reports.calls).containsExactly("failure remote.test sts - sts-policy-fetch-error -");
    }

    @Test
    void aPolicyHostWithAnUntrustedCertificateIsAWebPkiFailure() throws Exception {
        policyHost.close();
        policyHost = bed.closeLater(MtaStsPolicyServer.start(TestCertificates.selfSigned("mta-sts.remote.test")
                .serverContext())).policy(ENFORCE);
        FakeSmtpServer remote = mx(TestCertificates.selfSigned("mx.remote.test"));

        assertThat(send(agent(remote.port())).status()).isEqualTo(Status.SENT);
        assertThat(reports.calls).containsExactly("failure remote.test sts - sts-webpki-invalid -");
    }

    @Test
    void aPolicyHostCertificateForAnotherNameIsRefused() throws Exception {
        policyHost.close();
        policyHost = bed.closeLater(MtaStsPolicyServer.start(ca.issue("www.remote.test").serverContext()))
                .policy(ENFORCE);
        FakeSmtpServer remote = mx(TestCertificates.selfSigned("mx.remote.test"));

        assertThat(send(agent(remote.port())).status()).isEqualTo(Status.SENT);
        assertThat(reports.calls).containsExactly("failure remote.test sts - sts-webpki-invalid -");
    }
}
