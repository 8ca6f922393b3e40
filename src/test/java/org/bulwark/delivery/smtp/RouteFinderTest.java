package org.bulwark.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.bulwark.dns.DnsResolver;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.Test;

class RouteFinderTest {

    @Test
    void ordersByPreferenceAndShufflesEqualOnes() throws Exception {
        try (TestDnsServer dns = TestDnsServer.start()) {
            dns.addMx("remote.test", 20, "backup.remote.test")
                    .addMx("remote.test", 10, "a.remote.test")
                    .addMx("remote.test", 10, "b.remote.test")
                    .addA("a.remote.test", "192.0.2.1").addA("b.remote.test", "192.0.2.2")
                    .addA("backup.remote.test", "192.0.2.3");
            DnsResolver resolver = DnsResolver.create(List.of(dns.address()));
            Set<String> firsts = new HashSet<>();
            RouteFinder finder = new RouteFinder(resolver, "ipv4", 5, new Random(42));
            for (int i = 0; i < 20; i++) {
                Route route = finder
                        .find(Nexthop.parse("remote.test").withDefaultPort(25));
                List<String> hosts = ((Route.Servers) route).servers().stream().map(Route.Server::host).toList();
                assertThat(hosts).hasSize(3);
                assertThat(hosts.get(2)).isEqualTo("backup.remote.test");
                firsts.add(hosts.get(0));
            }
            assertThat(firsts).containsExactlyInAnyOrder("a.remote.test", "b.remote.test");
        }
    }

    @Test
    void keepsOnlyTheAddressFamiliesOfInetProtocols() throws Exception {
        try (TestDnsServer dns = TestDnsServer.start()) {
            dns.addA("mx.remote.test", "192.0.2.1").addAaaa("mx.remote.test", "2001:db8::1");
            DnsResolver resolver = DnsResolver.create(List.of(dns.address()));
            Route v6 = new RouteFinder(resolver, "ipv6", 5, new Random(1)).find(Nexthop.parse("[mx.remote.test]"));
            assertThat(((Route.Servers) v6).servers()).extracting(s -> s.address().getHostAddress())
                    .containsExactly("2001:db8:0:0:0:0:0:1");
        }
    }

    @Test
    void aServerIsDnssecOnlyWhenItsMxAndAddressAnswersWereBothValidated() throws Exception {
        try (TestDnsServer dns = TestDnsServer.start()) {
            dns.sign("signed.test").addMx("signed.test", 10, "mx.signed.test").addMx("signed.test", 20, "mx.plain.test")
                    .addA("mx.signed.test", "192.0.2.1").addA("mx.plain.test", "192.0.2.2");
            dns.addMx("plain.test", 10, "mx.signed.test");
            DnsResolver resolver = DnsResolver.create(List.of(dns.address()));
            RouteFinder finder = new RouteFinder(resolver, "ipv4", 5, new Random(1), true, true);

            List<Route.Server> signed = ((Route.Servers) finder.find(Nexthop.parse("signed.test").withDefaultPort(25)))
                    .servers();
            assertThat(signed).extracting(Route.Server::host, Route.Server::dnssec)
                    .containsExactly(tuple("mx.signed.test", true), tuple("mx.plain.test", false));
            // A secure host behind an insecure MX answer is not secure: the MX could be forged.
            assertThat(((Route.Servers) finder.find(Nexthop.parse("plain.test").withDefaultPort(25))).servers())
                    .extracting(Route.Server::dnssec).containsExactly(false);
            // Without smtp_dns_support_level = dnssec nothing is ever secure.
            assertThat(((Route.Servers) new RouteFinder(resolver, "ipv4", 5, new Random(1))
                    .find(Nexthop.parse("signed.test").withDefaultPort(25))).servers())
                    .extracting(Route.Server::dnssec).containsOnly(false);
        }
    }

    @Test
    void withDnsSupportDisabledTheNexthopIsTheHostItself() throws Exception {
        try (TestDnsServer dns = TestDnsServer.start()) {
            dns.addMx("remote.test", 10, "mx.remote.test").addA("mx.remote.test", "192.0.2.1")
                    .addA("remote.test", "192.0.2.9");
            DnsResolver resolver = DnsResolver.create(List.of(dns.address()));
            Route route = new RouteFinder(resolver, "ipv4", 5, new Random(1), false, false)
                    .find(Nexthop.parse("remote.test").withDefaultPort(25));
            assertThat(((Route.Servers) route).servers()).extracting(Route.Server::host, s -> s.address().getHostAddress())
                    .containsExactly(tuple("remote.test", "192.0.2.9"));
        }
    }

    @Test
    void parsesTransportNexthops() {
        assertThat(Nexthop.parse("[relay.test]:587")).isEqualTo(new Nexthop("relay.test", 587, false));
        assertThat(Nexthop.parse("remote.test:2525")).isEqualTo(new Nexthop("remote.test", 2525, true));
        assertThat(Nexthop.parse("remote.test")).isEqualTo(new Nexthop("remote.test", -1, true));
        assertThat(Nexthop.parse("[ipv6:2001:db8::1]")).isEqualTo(new Nexthop("2001:db8::1", -1, false));
    }
}
