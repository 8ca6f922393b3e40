package org.bulwark.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.bulwark.dns.DnsResolver;
import org.bulwark.testing.MtaStsPolicyServer;
import org.bulwark.testing.TestCa;
import org.bulwark.testing.TestCertificates;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTPS fetch of a policy: through the test DNS server, from a loopback policy host. */
class MtaStsFetcherTest {

    private static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx.remote.test\nmax_age: 86400\n";

    @TempDir
    Path dir;

    private TestDnsServer dns;
    private MtaStsPolicyServer host;
    private MtaStsFetcher fetcher;

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        TestCa ca = TestCa.create("Test Web CA");
        Path caFile = new TestCertificates(ca.certificate(), null).writePem(dir.resolve("ca.pem"));
        host = MtaStsPolicyServer.start(ca.issue("mta-sts.remote.test").serverContext());
        dns.addA("mta-sts.remote.test", "127.0.0.1");
        fetcher = fetcher(caFile.toString(), 1024);
    }

    private MtaStsFetcher fetcher(String caFile, int limit) {
        return new MtaStsFetcher(DnsResolver.create(List.of(dns.address())), caFile, host.port(), Duration.ofSeconds(5),
                limit, "ipv4");
    }

    @AfterEach
    void stop() {
        host.close();
        dns.close();
    }

    @Test
    void fetchesAPolicySentWithALength() throws Exception {
        host.policy(POLICY);

        assertThat(fetcher.fetch("remote.test")).isEqualTo(POLICY);
        assertThat(host.requests()).containsExactly("mta-sts.remote.test");
    }

    @Test
    void fetchesAChunkedPolicy() throws Exception {
        host.policy(POLICY).chunked();

        assertThat(fetcher.fetch("remote.test")).isEqualTo(POLICY);
    }

    @Test
    void refusesAPolicyOverTheSizeLimit() {
        host.policy(POLICY + "x: " + "y".repeat(2000) + "\n");

        assertThatThrownBy(() -> fetcher.fetch("remote.test"))
                .hasMessageContaining("policy larger than smtp_mta_sts_policy_size_limit (1024 bytes)");
    }

    @Test
    void refusesAChunkedPolicyOverTheSizeLimit() {
        host.policy(POLICY + "x: " + "y".repeat(2000) + "\n").chunked();

        assertThatThrownBy(() -> fetcher.fetch("remote.test"))
                .hasMessageContaining("policy larger than smtp_mta_sts_policy_size_limit");
    }

    @Test
    void refusesAnotherContentType() {
        host.policy(POLICY).contentType("text/html");

        assertThatThrownBy(() -> fetcher.fetch("remote.test"))
                .hasMessageContaining("Content-Type is text/html, not text/plain");
    }

    @Test
    void doesNotFollowRedirects() {
        host.redirect("https://mta-sts.remote.test/elsewhere");

        assertThatThrownBy(() -> fetcher.fetch("remote.test")).hasMessageContaining("HTTP status 302");
        assertThat(host.requests()).hasSize(1);
    }

    @Test
    void aHostThatDoesNotResolveIsAFetchError() {
        assertThatThrownBy(() -> fetcher.fetch("nowhere.test"))
                .isInstanceOfSatisfying(MtaStsFetcher.FetchFailure.class,
                        f -> assertThat(f.resultType()).isEqualTo("sts-policy-fetch-error"))
                .hasMessageContaining("mta-sts.nowhere.test");
    }

    @Test
    void aPolicyHostThatNeverAnswersRunsIntoTheTimeLimit() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            // It accepts (the backlog does) and never says a word of TLS.
            MtaStsFetcher slow = new MtaStsFetcher(DnsResolver.create(List.of(dns.address())), "",
                    silent.getLocalPort(), Duration.ofMillis(500), 1024, "ipv4");

            assertThatThrownBy(() -> slow.fetch("remote.test"))
                    .isInstanceOfSatisfying(MtaStsFetcher.FetchFailure.class,
                            f -> assertThat(f.resultType()).isEqualTo("sts-policy-fetch-error"))
                    .hasMessageContaining("timed out");
        }
    }

    @Test
    void withoutTheTestCaTheCertificateIsNotTrusted() {
        host.policy(POLICY);

        assertThatThrownBy(() -> fetcher("", 1024).fetch("remote.test"))
                .isInstanceOfSatisfying(MtaStsFetcher.FetchFailure.class,
                        f -> assertThat(f.resultType()).isEqualTo("sts-webpki-invalid"));
    }

    @Test
    void theTestCaInSmtpTlsCApathIsTrustedToo() throws Exception {
        host.policy(POLICY);
        Path caPath = java.nio.file.Files.createDirectories(dir.resolve("certs"));
        java.nio.file.Files.copy(dir.resolve("ca.pem"), caPath.resolve("web-ca.pem"));
        MtaStsFetcher withCaPath = new MtaStsFetcher(DnsResolver.create(List.of(dns.address())), "", caPath.toString(),
                host.port(), Duration.ofSeconds(5), 1024, "ipv4");

        assertThat(withCaPath.fetch("remote.test")).isEqualTo(POLICY);
    }
}
