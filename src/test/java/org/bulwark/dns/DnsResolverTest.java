package org.bulwark.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

class DnsResolverTest {

    private TestDnsServer dns;
    private DnsResolver resolver;

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        resolver = DnsResolver.create(List.of(dns.address()), Duration.ofMillis(500), 1);
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void verifiesNameWhosePtrAndAddressAgree() throws Exception {
        dns.addPtr("192.0.2.10", "mail.example.com").addA("mail.example.com", "192.0.2.10");

        assertThat(resolver.verifiedName(ip("192.0.2.10"))).contains("mail.example.com");
    }

    @Test
    void verifiesIpv6NameThroughAaaa() throws Exception {
        dns.addPtr("2001:db8::25", "mx.example.net").addAaaa("mx.example.net", "2001:db8::25");

        assertThat(resolver.verifiedName(ip("2001:db8::25"))).contains("mx.example.net");
    }

    @Test
    void rejectsPtrNameWhoseAddressesDoNotIncludeTheClient() throws Exception {
        dns.addPtr("192.0.2.10", "forged.example.com").addA("forged.example.com", "192.0.2.99");

        assertThat(resolver.verifiedName(ip("192.0.2.10"))).isEmpty();
        assertThat(resolver.verifyName(ip("192.0.2.10"))).isInstanceOf(DnsResult.NotFound.class);
    }

    @Test
    void triesEveryPtrNameUntilOneIsConfirmed() throws Exception {
        dns.addPtr("192.0.2.10", "wrong.example.com").addA("wrong.example.com", "192.0.2.11")
                .addPtr("192.0.2.10", "right.example.com").addA("right.example.com", "192.0.2.10");

        assertThat(resolver.verifiedName(ip("192.0.2.10"))).contains("right.example.com");
    }

    @Test
    void reportsNxdomainForAnAddressWithoutPtr() throws Exception {
        assertThat(resolver.reverseNames(ip("192.0.2.77")))
                .isEqualTo(new DnsResult.NotFound<String>(DnsResult.Absence.NXDOMAIN));
        assertThat(resolver.verifiedName(ip("192.0.2.77"))).isEmpty();
    }

    @Test
    void reportsServfailAsTemporaryFailure() throws Exception {
        dns.servfail(TestDnsServer.reverseName("192.0.2.10"));

        assertThat(resolver.verifyName(ip("192.0.2.10")).isTemporaryFailure()).isTrue();
        assertThat(resolver.verifiedName(ip("192.0.2.10"))).isEmpty();
    }

    @Test
    void reportsServfailOfTheForwardLookupAsTemporaryFailure() throws Exception {
        dns.addPtr("192.0.2.10", "mail.example.com").servfail("mail.example.com");

        assertThat(resolver.verifyName(ip("192.0.2.10")).isTemporaryFailure()).isTrue();
    }

    @Test
    void reportsSilenceAsTemporaryFailure() {
        dns.silence("slow.example.com");

        DnsResult<InetAddress> result = resolver.lookupAddresses("slow.example.com");

        assertThat(result.isTemporaryFailure()).isTrue();
        assertThat(dns.queryCount()).isPositive();
    }

    @Test
    void answersLoopbackNamesWithoutAnyQuery() throws Exception {
        assertThat(resolver.verifiedName(ip("127.0.0.1"))).contains("localhost");
        assertThat(resolver.verifiedName(ip("::1"))).contains("localhost");
        assertThat(resolver.verifiedName(ip("127.0.0.2"))).isEmpty();
        assertThat(resolver.lookupAddresses("localhost").values()).containsExactly(ip("127.0.0.1"), ip("::1"));
        assertThat(resolver.lookupAddresses("LocalHost.").isFound()).isTrue();
        assertThat(dns.queryCount()).isZero();
    }

    @Test
    void combinesAAndAaaaRecords() throws Exception {
        dns.addA("dual.example.com", "192.0.2.1").addAaaa("dual.example.com", "2001:db8::1");

        assertThat(resolver.lookupAddresses("dual.example.com").values())
                .containsExactlyInAnyOrder(ip("192.0.2.1"), ip("2001:db8::1"));
    }

    @Test
    void tellsNodataFromNxdomain() {
        dns.addMx("example.com", 10, "mx.example.com");

        assertThat(resolver.lookupAddresses("example.com"))
                .isEqualTo(new DnsResult.NotFound<InetAddress>(DnsResult.Absence.NODATA));
        assertThat(resolver.lookupAddresses("nowhere.example.com"))
                .isEqualTo(new DnsResult.NotFound<InetAddress>(DnsResult.Absence.NXDOMAIN));
    }

    @Test
    void sortsMxRecordsByPreference() {
        dns.addMx("example.com", 20, "backup.example.com")
                .addMx("example.com", 5, "primary.example.com")
                .addMx("example.com", 10, "second.example.com");

        assertThat(resolver.lookupMx("example.com").values()).containsExactly(
                new MxHost(5, "primary.example.com"),
                new MxHost(10, "second.example.com"),
                new MxHost(20, "backup.example.com"));
    }

    @Test
    void recognisesNullMx() {
        dns.addMx("nomail.example.com", 0, ".");

        assertThat(resolver.lookupMx("nomail.example.com").values()).singleElement()
                .satisfies(mx -> assertThat(mx.isNullMx()).isTrue());
    }

    @Test
    void joinsTheStringsOfEachTxtRecord() {
        dns.addTxt("example.com", "v=spf1 ip4:192.0.2.0/24 ", "-all").addTxt("example.com", "other");

        assertThat(resolver.lookupTxt("example.com").values())
                .containsExactlyInAnyOrder("v=spf1 ip4:192.0.2.0/24 -all", "other");
    }

    @Test
    void retriesOverTcpWhenTheUdpAnswerIsTruncated() {
        for (int i = 0; i < 40; i++) {
            dns.addTxt("big.example.com", "record number " + i + " with some padding to make it long");
        }

        assertThat(resolver.lookupTxt("big.example.com").values()).hasSize(40);
    }

    @Test
    void looksUpAnyRecordType() {
        dns.addTxt("_dmarc.example.com", "v=DMARC1; p=reject");

        assertThat(resolver.lookup("_dmarc.example.com", Type.TXT).values()).hasSize(1);
    }

    @Test
    void fallsBackToTheNextServer() throws Exception {
        try (TestDnsServer second = TestDnsServer.start()) {
            dns.silence("mail.example.com");
            second.addA("mail.example.com", "192.0.2.5");
            DnsResolver two = DnsResolver.create(List.of(dns.address(), second.address()), Duration.ofMillis(300), 1);

            assertThat(two.lookupAddresses("mail.example.com")).isEqualTo(new DnsResult.Found<>(List.of(ip("192.0.2.5"))));
        }
    }

    @Test
    void rejectsDnsServerGivenByName() {
        assertThatThrownBy(() -> DnsResolver.create(List.of("dns.example.com:53")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dns_servers")
                .hasMessageContaining("dns.example.com:53");
    }

    @Test
    void acceptsEveryDnsServersForm() {
        assertThat(DnsServers.parse(List.of("127.0.0.1:5353", "[::1]:53", "127.0.0.2", "::1")))
                .extracting(a -> a.getAddress().getHostAddress() + " " + a.getPort())
                .containsExactly("127.0.0.1 5353", "0:0:0:0:0:0:0:1 53", "127.0.0.2 53", "0:0:0:0:0:0:0:1 53");
    }

    @Test
    void findsAClientListedInADnsbl() throws Exception {
        dns.addA("2.0.0.127.zen.example", "127.0.0.2").addTxt("2.0.0.127.zen.example", "listed for testing");

        assertThat(resolver.lookupDnsbl(ip("127.0.0.2"), "zen.example").values()).containsExactly(ip("127.0.0.2"));
        assertThat(resolver.lookupDnsblText(ip("127.0.0.2"), "zen.example").values()).containsExactly("listed for testing");
        assertThat(resolver.lookupDnsbl(ip("192.0.2.1"), "zen.example"))
                .isEqualTo(new DnsResult.NotFound<InetAddress>(DnsResult.Absence.NXDOMAIN));
    }

    @Test
    void writesDnsblNamesInReverseOrder() throws Exception {
        assertThat(DnsResolver.dnsblName(ip("192.0.2.99"), "bl.example.")).isEqualTo("99.2.0.192.bl.example");
        assertThat(DnsResolver.dnsblName(ip("2001:db8::1"), "bl.example"))
                .isEqualTo("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.example");
    }

    @Test
    void readsDnsServersFromTheConfiguration() throws Exception {
        dns.addA("mail.example.com", "192.0.2.10");

        DnsResolver configured = DnsResolver.create(Config.of(Map.of("dns_servers", dns.address())));

        assertThat(configured.lookupAddresses("mail.example.com").values()).containsExactly(ip("192.0.2.10"));
    }

    @Test
    void followsACnameToItsTarget() throws Exception {
        dns.addCname("www.example.com", "host.example.net").addA("host.example.net", "192.0.2.80");

        assertThat(resolver.lookupAddresses("www.example.com").values()).containsExactly(ip("192.0.2.80"));
    }

    @Test
    void ignoresPtrNamesThatAreNotHostNames() throws Exception {
        dns.addPtr("192.0.2.10", "bad_name!.example.com").addA("bad_name!.example.com", "192.0.2.10");

        assertThat(resolver.verifiedName(ip("192.0.2.10"))).isEmpty();
    }

    @Test
    void acceptsOnlyHostNamesAsClientNames() {
        assertThat(DnsResolver.isHostName("mail-1.example_x.com")).isTrue();
        assertThat(DnsResolver.isHostName("bad_name!.example.com")).isFalse();
        assertThat(DnsResolver.isHostName("192.0.2.1")).isFalse();
        assertThat(DnsResolver.isHostName("-dash.example.com")).isFalse();
        assertThat(DnsResolver.isHostName("a..b")).isFalse();
    }

    @Test
    void givesTheClientsNamesWithTheirStatus() throws Exception {
        dns.addPtr("192.0.2.10", "mail.example.com").addA("mail.example.com", "192.0.2.10");
        dns.addPtr("192.0.2.20", "forged.example.com").addA("forged.example.com", "192.0.2.99");
        dns.servfail(TestDnsServer.reverseName("192.0.2.30"));
        dns.addPtr("192.0.2.40", "slow.example.com").servfail("slow.example.com");

        assertThat(resolver.clientNames(ip("192.0.2.10"))).isEqualTo(ClientNames.verified("mail.example.com"));
        assertThat(resolver.clientNames(ip("192.0.2.20"))).isEqualTo(new ClientNames("unknown",
                ClientNames.Status.PERMANENT, "forged.example.com", ClientNames.Status.OK));
        assertThat(resolver.clientNames(ip("192.0.2.30"))).isEqualTo(new ClientNames("unknown",
                ClientNames.Status.TEMPORARY, "unknown", ClientNames.Status.TEMPORARY));
        assertThat(resolver.clientNames(ip("192.0.2.40"))).isEqualTo(new ClientNames("unknown",
                ClientNames.Status.TEMPORARY, "slow.example.com", ClientNames.Status.OK));
        assertThat(resolver.clientNames(ip("192.0.2.50"))).isEqualTo(ClientNames.NONE);
        assertThat(resolver.clientNames(ip("127.0.0.1"))).isEqualTo(ClientNames.verified("localhost"));
    }

    @Test
    void looksUpNameServersAndTlsa() {
        dns.addNs("example.com", "ns1.example.net").addTlsa("_25._tcp.mx.example.com", 3, 1, 1, new byte[32]);

        assertThat(resolver.lookupNs("example.com").values()).containsExactly("ns1.example.net");
        assertThat(resolver.lookup("_25._tcp.mx.example.com", Type.TLSA).values()).hasSize(1);
        assertThat(resolver.lookupNs("nowhere.example").isFound()).isFalse();
    }

    @Test
    void dnssecAnswersFromASignedZoneAreSecure() throws Exception {
        dns.sign("signed.example").addMx("signed.example", 10, "mx.signed.example")
                .addA("mx.signed.example", "192.0.2.25")
                .addTlsa("_25._tcp.mx.signed.example", 3, 1, 1, new byte[] {1, 2, 3});

        DnssecResult<MxHost> mx = resolver.lookupMxDnssec("signed.example");
        assertThat(mx.secure()).isTrue();
        assertThat(mx.result().values()).containsExactly(new MxHost(10, "mx.signed.example"));
        DnssecResult<InetAddress> addresses = resolver.lookupAddressesDnssec("mx.signed.example");
        assertThat(addresses.secure()).isTrue();
        assertThat(addresses.result().values()).containsExactly(ip("192.0.2.25"));
        DnssecResult<TlsaRecord> tlsa = resolver.lookupTlsa("mx.signed.example", 25);
        assertThat(tlsa.secure()).isTrue();
        assertThat(tlsa.result().values()).singleElement().hasToString("3 1 1 010203");
        // An authenticated denial is secure too: the name has no TLSA records, for certain.
        assertThat(resolver.lookupTlsa("signed.example", 25).secure()).isTrue();
        assertThat(resolver.lookupTlsa("signed.example", 25).result().isFound()).isFalse();
    }

    @Test
    void dnssecAnswersFromAnUnsignedZoneAreInsecure() {
        dns.addMx("plain.example", 10, "mx.plain.example").addA("mx.plain.example", "192.0.2.25")
                .addTlsa("_25._tcp.mx.plain.example", 3, 1, 1, new byte[] {1});

        assertThat(resolver.lookupMxDnssec("plain.example").secure()).isFalse();
        assertThat(resolver.lookupAddressesDnssec("mx.plain.example").secure()).isFalse();
        assertThat(resolver.lookupTlsa("mx.plain.example", 25).secure()).isFalse();
        assertThat(resolver.lookupTlsa("mx.plain.example", 25).result().isFound()).isTrue();
    }

    @Test
    void aPlainAnswerInTheCacheDoesNotAnswerADnssecQuestion() {
        dns.sign("signed.example").addMx("signed.example", 10, "mx.signed.example");

        assertThat(resolver.lookupMx("signed.example").isFound()).isTrue();
        assertThat(resolver.lookupMxDnssec("signed.example").secure()).isTrue();
        assertThat(resolver.lookupMxDnssec("signed.example").secure()).isTrue();
    }

    @Test
    void aTlsaServfailIsATemporaryFailureAndNeverSecure() {
        dns.sign("signed.example").servfail("_25._tcp.mx.signed.example");

        DnssecResult<TlsaRecord> tlsa = resolver.lookupTlsa("mx.signed.example", 25);
        assertThat(tlsa.result().isTemporaryFailure()).isTrue();
        assertThat(tlsa.secure()).isFalse();
    }
}
