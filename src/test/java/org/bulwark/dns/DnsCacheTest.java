package org.bulwark.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The resolver's cache, on a clock the test moves: TTLs, RFC 2308 negative caching, no caching of failures. */
class DnsCacheTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private TestDnsServer dns;
    private DnsResolver resolver;

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        resolver = DnsResolver.create(List.of(dns.address()), Duration.ofMillis(300), 1,
                new DnsCache(100, now::get));
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private void advanceSeconds(long seconds) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    @Test
    void answersAgainFromTheCacheWithinTheTtl() throws Exception {
        dns.addA("mail.example.com", "192.0.2.10", 60);
        resolver.lookupAddresses("mail.example.com");
        int asked = dns.queryCount();
        dns.remove("mail.example.com");

        advanceSeconds(59);

        assertThat(resolver.lookupAddresses("MAIL.example.com").values())
                .containsExactly(InetAddress.getByName("192.0.2.10"));
        assertThat(dns.queryCount()).isEqualTo(asked + 1); // the AAAA question was a negative answer without SOA
    }

    @Test
    void asksAgainOnceTheTtlHasPassed() {
        dns.addA("mail.example.com", "192.0.2.10", 60);
        resolver.lookupAddresses("mail.example.com");
        dns.remove("mail.example.com");

        advanceSeconds(60);

        assertThat(resolver.lookupAddresses("mail.example.com").isFound()).isFalse();
    }

    @Test
    void remembersANonexistentNameForTheSoaMinimum() {
        dns.negativeTtl(30);
        assertThat(resolver.lookupMx("new.example.com").isFound()).isFalse();
        dns.addMx("new.example.com", 10, "mx.example.com");

        advanceSeconds(29);
        assertThat(resolver.lookupMx("new.example.com").isFound()).isFalse();

        advanceSeconds(1);
        assertThat(resolver.lookupMx("new.example.com").isFound()).isTrue();
    }

    @Test
    void doesNotRememberANegativeAnswerWithoutSoa() {
        assertThat(resolver.lookupMx("new.example.com").isFound()).isFalse();
        dns.addMx("new.example.com", 10, "mx.example.com");

        assertThat(resolver.lookupMx("new.example.com").isFound()).isTrue();
    }

    @Test
    void neverRemembersATemporaryFailure() {
        dns.negativeTtl(300).servfail("flaky.example.com");
        assertThat(resolver.lookupTxt("flaky.example.com").isTemporaryFailure()).isTrue();
        int asked = dns.queryCount();

        assertThat(resolver.lookupTxt("flaky.example.com").isTemporaryFailure()).isTrue();
        assertThat(dns.queryCount()).isEqualTo(asked + 1);
    }

    @Test
    void dropsTheLeastRecentlyUsedEntryWhenFull() {
        DnsCache small = new DnsCache(2, now::get);
        DnsResolver limited = DnsResolver.create(List.of(dns.address()), Duration.ofMillis(300), 1, small);
        dns.addTxt("a.example", "a").addTxt("b.example", "b").addTxt("c.example", "c");

        limited.lookupTxt("a.example");
        limited.lookupTxt("b.example");
        limited.lookupTxt("c.example");

        assertThat(small.size()).isEqualTo(2);
        int asked = dns.queryCount();
        limited.lookupTxt("c.example");
        assertThat(dns.queryCount()).isEqualTo(asked);
        limited.lookupTxt("a.example");
        assertThat(dns.queryCount()).isEqualTo(asked + 1);
    }
}
