package org.bulwark.postscreen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.dns.DnsResolver;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces a screening is made of: cache stamps, the access list, the DNS list score. */
class ScreeningPartsTest {

    @TempDir
    Path dir;

    private static Settings settings(Map<String, String> values) {
        return Settings.from(Config.of(values));
    }

    @Test
    void stampsRoundTripInPostfixsOrderAndAnExpiredOrDisabledTestIsDue() {
        Settings settings = settings(Map.of("postscreen_pipelining_enable", "yes"));
        TestStamps stamps = TestStamps.fresh(settings);
        assertThat(stamps.toString()).isEqualTo("0;1;0;1;1");
        stamps.passed(TestKind.PREGREET, 2000);
        TestStamps read = TestStamps.parse(stamps.toString());

        assertThat(read.due(TestKind.PREGREET, settings, 1999)).isFalse();
        assertThat(read.due(TestKind.PREGREET, settings, 2000)).isTrue();
        assertThat(read.due(TestKind.PIPELINING, settings, 1000)).isTrue();
        assertThat(read.due(TestKind.DNSBL, settings, 1000)).isFalse(); // no lists configured
        assertThat(TestStamps.parse("1;2;3")).isNull();
        assertThat(TestStamps.parse("a;b;c;d;e")).isNull();
    }

    @Test
    void theAccessListTakesTheFirstItemThatKnowsTheClient() throws Exception {
        Path cidr = Files.writeString(dir.resolve("access.cidr"), """
                192.0.2.1       dunno
                192.0.2.0/24    reject
                198.51.100.0/24 permit
                """);
        AccessList list = AccessList.parse(List.of("permit_mynetworks", "cidr:" + cidr),
                List.of("192.0.2.1/32"), dir);

        assertThat(list.judge(InetAddress.getByName("192.0.2.1"))).isEqualTo(AccessList.Verdict.ALLOW);
        assertThat(list.judge(InetAddress.getByName("192.0.2.9"))).isEqualTo(AccessList.Verdict.DENY);
        assertThat(list.judge(InetAddress.getByName("198.51.100.7"))).isEqualTo(AccessList.Verdict.ALLOW);
        assertThat(list.judge(InetAddress.getByName("203.0.113.1"))).isEqualTo(AccessList.Verdict.NONE);
        assertThatThrownBy(() -> AccessList.parse(List.of("reject_unknown_client"), List.of(), dir))
                .isInstanceOf(ConfigException.class).hasMessageContaining("postscreen_access_list");
    }

    @Test
    void theScoreSumsTheWeightsOfEveryFilterAnAnswerPasses() throws Exception {
        try (TestDnsServer dns = TestDnsServer.start()) {
            dns.addA("9.2.0.192.bl.example", "127.0.0.4", 300).addA("9.2.0.192.bl.example", "127.0.0.10", 300)
                    .addA("9.2.0.192.wl.example", "127.0.5.2", 120);
            DnsblSites sites = DnsblSites.parse(List.of("bl.example=127.0.0.4*2", "bl.example=127.0.0.[9..11]*3",
                    "bl.example=127.0.0.2", "wl.example=127.0.[0..255].[1..3]*-4", "silent.example"), null);
            DnsResolver resolver = DnsResolver.create(List.of("127.0.0.1:" + dns.port()));

            DnsblSites.Score score = sites.query(resolver, InetAddress.getByName("192.0.2.9"), Duration.ofSeconds(5)).get();

            assertThat(score.total()).isEqualTo(1);
            assertThat(score.listName()).isEqualTo("bl.example");
            // The verdict holds as long as the shortest answer that counted, within min and max TTL.
            assertThat(score.ttl(Duration.ofSeconds(60), Duration.ofHours(1))).isEqualTo(120);
            assertThat(score.ttl(Duration.ofSeconds(200), Duration.ofHours(1))).isEqualTo(200);
            assertThat(DnsblSites.Score.NONE.ttl(Duration.ofSeconds(60), Duration.ofHours(1))).isEqualTo(3600);
        }
        assertThatThrownBy(() -> DnsblSites.parse(List.of("bl.example*x"), null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("postscreen_dnsbl_sites");
    }
}
