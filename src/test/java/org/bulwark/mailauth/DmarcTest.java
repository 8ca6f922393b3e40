package org.bulwark.mailauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.bulwark.dns.DnsResolver;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DMARC (RFC 7489) against policies served by the test DNS server, with Debian's Public Suffix List. */
class DmarcTest {

    private TestDnsServer dns;
    private Dmarc dmarc;
    private PublicSuffixList suffixes;

    @BeforeEach
    void start() throws IOException {
        dns = TestDnsServer.start();
        suffixes = PublicSuffixList.load(Path.of(PublicSuffixList.DEBIAN_PATH));
        dmarc = new Dmarc(DnsResolver.create(List.of(dns.address())), suffixes, () -> 0);
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private static List<HeaderField> from(String address) {
        return MessageHeaders.parse("From: Someone <" + address + ">\r\nSubject: x\r\n");
    }

    private static DkimResult dkim(DkimResult.Result result, String domain) {
        return new DkimResult(result, domain, "s", "abc", "");
    }

    private static SpfResult spf(SpfResult.Result result, String domain) {
        return new SpfResult(result, "", "mailfrom", domain, "Received-SPF: " + result.keyword());
    }

    @Test
    void theOrganizationalDomainComesFromThePublicSuffixList() {
        assertThat(suffixes.organizationalDomain("mail.example.co.uk")).isEqualTo("example.co.uk");
        assertThat(suffixes.organizationalDomain("a.b.example.com")).isEqualTo("example.com");
        assertThat(suffixes.organizationalDomain("www.example.no")).isEqualTo("example.no");
        assertThat(suffixes.organizationalDomain("x.oslo.no")).isEqualTo("x.oslo.no");
    }

    @Test
    void aMissingListSaysHowToInstallIt() {
        assertThatThrownBy(() -> PublicSuffixList.load(Path.of("/nonexistent/public_suffix_list.dat")))
                .hasMessageContaining("apt-get install publicsuffix");
    }

    @Test
    void anAlignedDkimPassPasses() {
        dns.addTxt("_dmarc.example.org", "v=DMARC1; p=reject");
        DmarcResult r = dmarc.evaluate(from("a@mail.example.org"), spf(SpfResult.Result.FAIL, "other.net"),
                List.of(dkim(DkimResult.Result.PASS, "example.org")));
        assertThat(r.result()).isEqualTo(DmarcResult.Result.PASS);
        assertThat(r.policy()).isEqualTo("reject");
    }

    @Test
    void anAlignedSpfPassPasses() {
        dns.addTxt("_dmarc.example.org", "v=DMARC1; p=reject");
        DmarcResult r = dmarc.evaluate(from("a@example.org"), spf(SpfResult.Result.PASS, "bounces.example.org"), List.of());
        assertThat(r.result()).isEqualTo(DmarcResult.Result.PASS);
    }

    @Test
    void strictAlignmentWantsTheSameDomain() {
        dns.addTxt("_dmarc.example.org", "v=DMARC1; p=reject; adkim=s; aspf=s");
        DmarcResult r = dmarc.evaluate(from("a@example.org"), spf(SpfResult.Result.PASS, "bounces.example.org"),
                List.of(dkim(DkimResult.Result.PASS, "mail.example.org")));
        assertThat(r.result()).isEqualTo(DmarcResult.Result.FAIL);
        assertThat(r.shouldReject()).isTrue();
    }

    @Test
    void anUnalignedPassFailsWithTheRejectPolicy() {
        dns.addTxt("_dmarc.example.org", "v=DMARC1; p=reject");
        DmarcResult r = dmarc.evaluate(from("a@example.org"), spf(SpfResult.Result.PASS, "example.net"),
                List.of(dkim(DkimResult.Result.PASS, "example.net"), dkim(DkimResult.Result.FAIL, "example.org")));
        assertThat(r.result()).isEqualTo(DmarcResult.Result.FAIL);
        assertThat(r.disposition()).isEqualTo("reject");
    }

    @Test
    void pNoneFailsButAsksForNothing() {
        dns.addTxt("_dmarc.example.org", "v=DMARC1; p=none");
        DmarcResult r = dmarc.evaluate(from("a@example.org"), null, List.of());
        assertThat(r.result()).isEqualTo(DmarcResult.Result.FAIL);
        assertThat(r.shouldReject()).isFalse();
        assertThat(r.shouldQuarantine()).isFalse();
    }

    @Test
    void aSubdomainWithoutItsOwnRecordGetsTheOrganizationsSubdomainPolicy() {
        dns.addTxt("_dmarc.example.co.uk", "v=DMARC1; p=reject; sp=quarantine");
        DmarcResult r = dmarc.evaluate(from("a@news.example.co.uk"), null, List.of());
        assertThat(r.policy()).isEqualTo("quarantine");
        assertThat(r.shouldQuarantine()).isTrue();
    }

    @Test
    void messagesOutsideThePercentageGetTheWeakerPolicy() {
        dns.addTxt("_dmarc.example.org", "v=DMARC1; p=reject; pct=10");
        Dmarc sampled = new Dmarc(DnsResolver.create(List.of(dns.address())), suffixes, () -> 50);
        DmarcResult r = sampled.evaluate(from("a@example.org"), null, List.of());
        assertThat(r.disposition()).isEqualTo("quarantine");
    }

    @Test
    void noRecordIsNone() {
        assertThat(dmarc.evaluate(from("a@example.org"), null, List.of()).result()).isEqualTo(DmarcResult.Result.NONE);
    }

    @Test
    void aServerFailureIsATemporaryError() {
        dns.servfail("_dmarc.example.org");
        assertThat(dmarc.evaluate(from("a@example.org"), null, List.of()).result())
                .isEqualTo(DmarcResult.Result.TEMPERROR);
    }

    @Test
    void twoFromFieldsAreAPermanentError() {
        List<HeaderField> headers = MessageHeaders.parse("From: a@example.org\r\nFrom: b@example.org\r\n");
        assertThat(dmarc.evaluate(headers, null, List.of()).result()).isEqualTo(DmarcResult.Result.PERMERROR);
    }

    @Test
    void theHeaderNamesEveryResult() {
        String header = AuthenticationResults.header("mx.example.net", spf(SpfResult.Result.PASS, "example.org"),
                List.of(dkim(DkimResult.Result.PASS, "example.org")),
                new DmarcResult(DmarcResult.Result.PASS, "example.org", "reject", "none", ""));
        assertThat(header).isEqualTo("Authentication-Results: mx.example.net;\r\n\tspf=pass smtp.mailfrom=example.org;"
                + "\r\n\tdkim=pass header.d=example.org header.s=s header.b=abc;"
                + "\r\n\tdmarc=pass (p=reject dis=none) header.from=example.org");
        assertThat(AuthenticationResults.claims(HeaderField.of(header), "MX.example.net")).isTrue();
        assertThat(AuthenticationResults.claims(HeaderField.of("Authentication-Results: other.example; spf=pass"),
                "mx.example.net")).isFalse();
    }

    @Test
    void theEvaluationNamesThePolicyDomainAndWhichIdentifierAligned() {
        dns.addTxt("_dmarc.example.org", "v=DMARC1; p=reject; sp=quarantine; adkim=s; rua=mailto:a@example.org!1m, mailto:b@example.net");

        DmarcResult result = dmarc.evaluate(from("a@mail.example.org"), spf(SpfResult.Result.PASS, "mail.example.org"),
                List.of(dkim(DkimResult.Result.PASS, "example.org")));

        assertThat(result.result()).isEqualTo(DmarcResult.Result.PASS);
        assertThat(result.policy()).isEqualTo("quarantine");
        DmarcResult.Evaluation e = result.evaluation();
        assertThat(e.policyDomain()).isEqualTo("example.org");
        assertThat(e.dkimAligned()).as("adkim=s: d=example.org is not mail.example.org").isFalse();
        assertThat(e.spfAligned()).isTrue();
        assertThat(e.record().rua()).isEqualTo("mailto:a@example.org!1m,mailto:b@example.net");
        assertThat(e.record().adkim()).isEqualTo("s");
        assertThat(e.record().aspf()).isEqualTo("r");
    }

    @Test
    void aMessageLeftOutByPctIsMarkedSampledOut() {
        dns.addTxt("_dmarc.example.org", "v=DMARC1; p=reject; pct=50");
        Dmarc sampling = new Dmarc(DnsResolver.create(List.of(dns.address())), suffixes, () -> 75);

        DmarcResult result = sampling.evaluate(from("a@example.org"), null, List.of());

        assertThat(result.disposition()).isEqualTo("quarantine");
        assertThat(result.evaluation().sampledOut()).isTrue();
        assertThat(dmarc.evaluate(from("a@example.org"), null, List.of()).evaluation().sampledOut()).isFalse();
    }
}
