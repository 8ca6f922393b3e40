package org.bulwark.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bulwark.log.MailLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** postgrey's semantics, step by step, with a clock the test moves. */
class GreylistTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final MailLog.Logger log = MailLog.to(new PrintStream(logBytes, true, StandardCharsets.UTF_8),
            "mx.example.org", "postfix").program("policyd");

    private Greylist greylist(GreylistSettings settings, GreylistStore store) {
        return new Greylist(settings, store, clock, log);
    }

    private static Map<String, String> request(String client, String sender, String recipient) {
        Map<String, String> r = new HashMap<>();
        r.put("request", "smtpd_access_policy");
        r.put("protocol_state", "RCPT");
        r.put("client_address", client);
        r.put("client_name", "mail.sender.example");
        r.put("sender", sender);
        r.put("recipient", recipient);
        r.put("etrn_domain", "");
        return r;
    }

    private static GreylistSettings settings() {
        return GreylistSettings.defaults(Duration.ofSeconds(60), "mx.example.org");
    }

    @Test
    void refusesANewTripletWithPostgreysTextAndDsn() {
        Greylist g = greylist(settings(), new FileGreylistStore(null));

        String action = g.decide(request("192.0.2.10", "a@sender.example", "u@example.org"));

        assertThat(action).isEqualTo(
                "DEFER_IF_PERMIT 4.2.0 Greylisted, see http://postgrey.schweikert.ch/help/example.org.html");
        assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("action=greylist, reason=new, "
                + "client_name=mail.sender.example, client_address=192.0.2.10, sender=a@sender.example, "
                + "recipient=u@example.org");
    }

    @Test
    void refusesAnEarlyRetryAndAcceptsAfterTheDelayWithAnXGreylistHeaderOnce() {
        Greylist g = greylist(settings(), new FileGreylistStore(null));
        Map<String, String> r = request("192.0.2.10", "a@sender.example", "u@example.org");
        g.decide(r);

        clock.advance(Duration.ofSeconds(30));
        assertThat(g.decide(r)).startsWith("DEFER_IF_PERMIT");
        assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("reason=early-retry (30s missing)");

        clock.advance(Duration.ofSeconds(31));
        assertThat(g.decide(r)).isEqualTo("PREPEND X-Greylist: delayed 61 seconds by postgrey-bulwark at "
                + "mx.example.org; Sun, 01 Mar 2026 12:01:01 UTC");
        assertThat(g.decide(r)).isEqualTo("DUNNO");
    }

    @Test
    void treatsTheWholeSlash24AsOneClient() {
        Greylist g = greylist(settings(), new FileGreylistStore(null));
        g.decide(request("192.0.2.10", "a@sender.example", "u@example.org"));
        clock.advance(Duration.ofSeconds(61));

        assertThat(g.decide(request("192.0.2.200", "a@sender.example", "u@example.org"))).startsWith("PREPEND ");
        assertThat(g.decide(request("192.0.3.10", "a@sender.example", "u@example.org"))).startsWith("DEFER_IF_PERMIT");
    }

    @Test
    void foldsExtensionsAndVerpNumbersOfTheSender() {
        assertThat(Greylist.senderKey("list+bounces-123-456@lists.example")).isEqualTo("list@lists.example");
        assertThat(Greylist.senderKey("bounce-42-7@lists.example")).isEqualTo("bounce-#-#@lists.example");
        assertThat(Greylist.senderKey("prvs=0123456789=user@batv.example")).isEqualTo("user@batv.example");
    }

    @Test
    void startsOverWhenTheFirstRetryComesAfterTheRetryWindow() {
        Greylist g = greylist(settings(), new FileGreylistStore(null));
        Map<String, String> r = request("192.0.2.10", "a@sender.example", "u@example.org");
        g.decide(r);

        clock.advance(Duration.ofDays(3));

        assertThat(g.decide(r)).startsWith("DEFER_IF_PERMIT");
    }

    @Test
    void whitelistsAClientAutomaticallyAfterFivePasses() {
        Greylist g = greylist(settings(), new FileGreylistStore(null));
        for (int i = 0; i < 5; i++) {
            Map<String, String> r = request("192.0.2.10", "a@sender.example", "user" + i + "@example.org");
            g.decide(r);
            clock.advance(Duration.ofMinutes(61));
            assertThat(g.decide(r)).startsWith("PREPEND ");
        }

        assertThat(g.decide(request("192.0.2.10", "new@sender.example", "new@example.org"))).isEqualTo("DUNNO");
        assertThat(logBytes.toString(StandardCharsets.UTF_8))
                .contains("whitelisted: mail.sender.example[192.0.2.10]")
                .contains("reason=client AWL");
    }

    @Test
    void letsWhitelistedClientsAndRecipientsThroughAsPostgreyFilesSay() throws Exception {
        Path clients = Files.writeString(dir.resolve("whitelist_clients"), """
                # postgrey format
                trusted.example
                /^mx\\d+\\.big\\.example$/
                198.51.100.0/24
                """);
        Path recipients = Files.writeString(dir.resolve("whitelist_recipients"), """
                postmaster@
                abuse@example.org
                """);
        GreylistSettings s = settings();
        s = new GreylistSettings(s.delay(), s.maxAge(), s.retryWindow(), s.autoWhitelist(), s.ipv4Prefix(),
                s.ipv6Prefix(), s.action(), s.text(), s.header(), s.hostname(), List.of(clients), List.of(recipients));
        Greylist g = greylist(s, new FileGreylistStore(null));

        Map<String, String> byName = request("192.0.2.10", "a@b.example", "u@example.org");
        byName.put("client_name", "out.trusted.example");
        Map<String, String> byPattern = request("192.0.2.10", "a@b.example", "u@example.org");
        byPattern.put("client_name", "mx12.big.example");
        assertThat(g.decide(byName)).isEqualTo("DUNNO");
        assertThat(g.decide(byPattern)).isEqualTo("DUNNO");
        assertThat(g.decide(request("198.51.100.7", "a@b.example", "u@example.org"))).isEqualTo("DUNNO");
        assertThat(g.decide(request("192.0.2.10", "a@b.example", "postmaster+x@any.example"))).isEqualTo("DUNNO");
        assertThat(g.decide(request("192.0.2.10", "a@b.example", "abuse@example.org"))).isEqualTo("DUNNO");
        assertThat(g.decide(request("192.0.2.10", "a@b.example", "u@example.org"))).startsWith("DEFER_IF_PERMIT");
    }

    @Test
    void keepsItsStateInAFileAcrossRestarts() {
        Path file = dir.resolve("greylist.db");
        Map<String, String> r = request("2001:db8::1", "a@sender.example", "u@example.org");
        try (GreylistStore store = new FileGreylistStore(file)) {
            assertThat(greylist(settings(), store).decide(r)).startsWith("DEFER_IF_PERMIT");
        }
        clock.advance(Duration.ofSeconds(61));
        try (GreylistStore store = new FileGreylistStore(file)) {
            assertThat(greylist(settings(), store).decide(request("2001:db8::ffff", "a@sender.example",
                    "u@example.org"))).startsWith("PREPEND X-Greylist: delayed 61 seconds");
        }
    }

    @Test
    void theFileAndTheDirectoryItMakesAreTheServersOnly() throws Exception {
        Path file = dir.resolve("data/greylist.db");
        try (GreylistStore store = new FileGreylistStore(file)) {
            greylist(settings(), store).decide(request("192.0.2.1", "a@sender.example", "u@example.org"));
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void servicesShareOneFileStoreWhichClosesWithItsLastUser() throws Exception {
        GreylistStore first = GreylistStores.acquire("file:greylist.db", dir, null);
        GreylistStore second = GreylistStores.acquire(dir.resolve("greylist.db").toString(), dir, null);
        first.put("k", "v", Duration.ofMinutes(1));
        assertThat(second.get("k")).contains("v");

        first.close();
        second.put("k2", "v2", Duration.ofMinutes(1));
        second.close();

        try (GreylistStore reopened = GreylistStores.acquire("greylist.db", dir, null)) {
            assertThat(reopened.get("k")).contains("v");
            assertThat(reopened.get("k2")).contains("v2");
        }
    }

    @Test
    void aFailingStoreIsAnErrorNotAPass() {
        GreylistStore broken = new GreylistStore() {
            public Optional<String> get(String key) {
                throw new IllegalStateException("store down");
            }

            public void put(String key, String value, Duration ttl) {
                throw new IllegalStateException("store down");
            }

            public void close() {
            }
        };
        Greylist g = greylist(settings(), broken);

        assertThatThrownBy(() -> g.decide(request("192.0.2.10", "a@b.example", "u@example.org")))
                .hasMessageContaining("store down");
    }

    @Test
    void answersDunnoToARequestWithoutRecipient() {
        Map<String, String> r = request("192.0.2.10", "a@b.example", "u@example.org");
        r.remove("recipient");

        assertThat(greylist(settings(), new FileGreylistStore(null)).decide(r)).isEqualTo("DUNNO");
    }
}
