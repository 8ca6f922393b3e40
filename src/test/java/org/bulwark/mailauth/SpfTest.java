package org.bulwark.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.bulwark.dns.DnsResolver;
import org.bulwark.mail.MailAddress;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The API issue 6's policy calls: result, explanation and the Received-SPF header. */
class SpfTest {

    private TestDnsServer dns;
    private Spf spf;

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        dns.addTxt("example.org", "v=spf1 ip4:192.0.2.0/24 -all exp=why.example.org");
        dns.addTxt("why.example.org", "%{i} may not send for %{d}");
        dns.addTxt("helo.example.org", "v=spf1 a -all");
        dns.addA("helo.example.org", "198.51.100.7");
        spf = new Spf(DnsResolver.create(List.of(dns.address())), "mx.example.net");
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    @Test
    void aListedClientPassesAndTheHeaderSaysSo() throws Exception {
        SpfResult r = spf.check(InetAddress.getByName("192.0.2.10"), "client.example.org", MailAddress.of("a@example.org"));

        assertThat(r.result()).isEqualTo(SpfResult.Result.PASS);
        assertThat(r.identity()).isEqualTo("mailfrom");
        assertThat(r.domain()).isEqualTo("example.org");
        assertThat(r.receivedSpf()).isEqualTo("Received-SPF: pass (mx.example.net: domain of a@example.org designates "
                + "192.0.2.10 as permitted sender) identity=mailfrom; client-ip=192.0.2.10; helo=\"client.example.org\"; "
                + "envelope-from=\"a@example.org\"; receiver=\"mx.example.net\";");
    }

    @Test
    void anUnlistedClientFailsWithTheDomainsExplanation() throws Exception {
        SpfResult r = spf.check(InetAddress.getByName("203.0.113.5"), "client.example.org", MailAddress.of("a@example.org"));

        assertThat(r.result()).isEqualTo(SpfResult.Result.FAIL);
        assertThat(r.explanation()).isEqualTo("203.0.113.5 may not send for example.org");
        assertThat(r.receivedSpf()).startsWith("Received-SPF: fail (mx.example.net: domain of a@example.org does not designate");
    }

    @Test
    void theNullSenderIsCheckedAsPostmasterAtTheHeloName() throws Exception {
        SpfResult r = spf.check(InetAddress.getByName("198.51.100.7"), "helo.example.org", MailAddress.NULL_SENDER);

        assertThat(r.result()).isEqualTo(SpfResult.Result.PASS);
        assertThat(r.identity()).isEqualTo("helo");
        assertThat(r.receivedSpf()).contains("envelope-from=\"postmaster@helo.example.org\"");
    }

    @Test
    void aFailWithoutExplanationGetsTheDefaultOne() throws Exception {
        SpfResult r = spf.checkHelo(InetAddress.getByName("203.0.113.5"), "helo.example.org");

        assertThat(r.result()).isEqualTo(SpfResult.Result.FAIL);
        assertThat(r.explanation()).isEmpty();
        assertThat(r.explanationOrDefault()).contains("helo.example.org");
    }

    @Test
    void anUnreachableDomainIsATemporaryError() throws Exception {
        dns.servfail("down.example.org");
        SpfResult r = spf.check(InetAddress.getByName("192.0.2.10"), "x.example.org", MailAddress.of("a@down.example.org"));

        assertThat(r.result()).isEqualTo(SpfResult.Result.TEMPERROR);
        assertThat(r.receivedSpf()).startsWith("Received-SPF: temperror (mx.example.net: DNS lookup of down.example.org failed)");
    }
}
