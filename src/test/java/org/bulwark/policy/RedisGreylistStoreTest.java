package org.bulwark.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.testing.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Greylisting in a real redis-server: two nodes greylist as one; an outage is a temporary refusal. */
class RedisGreylistStoreTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final MailLog.Logger log = MailLog.to(new PrintStream(logBytes, true, StandardCharsets.UTF_8),
            "mx.example.org", "postfix").program("policyd");

    private static Map<String, String> request() {
        return Map.of("client_address", "192.0.2.10", "client_name", "unknown", "sender", "a@sender.example",
                "recipient", "u@example.org");
    }

    @Test
    void twoNodesOnOneRedisShareTheGreylist() throws Exception {
        GreylistSettings settings = GreylistSettings.defaults(Duration.ofSeconds(60), "mx.example.org");
        try (RedisServer redis = RedisServer.start(dir);
                GreylistStore a = GreylistStore.open(redis.uri(), dir, log);
                GreylistStore b = GreylistStore.open(redis.uri(), dir, log)) {
            Greylist nodeA = new Greylist(settings, a, clock, log);
            Greylist nodeB = new Greylist(settings, b, clock, log);

            assertThat(nodeA.decide(request())).startsWith("DEFER_IF_PERMIT");
            clock.advance(Duration.ofSeconds(61));
            assertThat(nodeB.decide(request())).startsWith("PREPEND X-Greylist: delayed 61 seconds");
            assertThat(a.get("triplet:192.0.2.0/a@sender.example/u@example.org")).isPresent();
        }
    }

    @Test
    void entriesExpireByRedisTimeToLive() throws Exception {
        try (RedisServer redis = RedisServer.start(dir); GreylistStore store = GreylistStore.open(redis.uri(), dir, log)) {
            store.put("k", "v", Duration.ofMillis(200));
            assertThat(store.get("k")).contains("v");
            Thread.sleep(400);
            assertThat(store.get("k")).isEmpty();
        }
    }

    @Test
    void aRedisOutageIsATemporaryRefusalAndTheServiceRecoversWhenRedisReturns() throws Exception {
        GreylistSettings settings = GreylistSettings.defaults(Duration.ofSeconds(60), "mx.example.org");
        try (RedisServer redis = RedisServer.start(dir); GreylistStore store = GreylistStore.open(redis.uri(), dir, log);
                PolicyServer server = new PolicyServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        new Greylist(settings, store, clock, log), log)) {
            server.start();
            PolicyOptions options = PolicyOptions.from(Config.of(Map.of()));
            try (PolicyClient client = new PolicyClient(PolicyEndpoint.parse("inet:127.0.0.1:" + server.port(), dir),
                    options)) {
                assertThat(client.query(request())).startsWith("DEFER_IF_PERMIT Greylisted");

                redis.stop();
                assertThat(client.query(request()))
                        .isEqualTo("DEFER_IF_PERMIT 4.3.0 Greylisting temporarily unavailable");

                redis.startAgain();
                // Redis came back empty (no persistence): a new triplet again, greylisted, not passed.
                String answer = null;
                for (int i = 0; i < 100; i++) {
                    answer = client.query(request());
                    if (answer.startsWith("DEFER_IF_PERMIT Greylisted")) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertThat(answer).startsWith("DEFER_IF_PERMIT Greylisted");
            }
        }
        String logged = logBytes.toString(StandardCharsets.UTF_8);
        // One line when the outage begins, one when it ends; none per request.
        assertThat(logged.lines().filter(l -> l.contains("warning: greylist_database redis ")
                && l.contains(" unreachable: ")).count()).as(logged).isEqualTo(1);
        assertThat(logged).contains(" answers again; builtin:greylist decides as configured")
                .doesNotContain("policy request from");
    }
}
