package org.bulwark.anvil;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.mail.SmtpReply;
import org.bulwark.testing.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Anvil's limits with Postfix's replies and warnings, in memory and in a real redis-server. */
class AnvilTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final MailLog.Logger log = MailLog.to(new PrintStream(logBytes, true, StandardCharsets.UTF_8),
            "mx.example.org", "postfix").program("smtpd");
    private final InetAddress stranger = address("192.0.2.7");

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private Anvil anvil(CounterStore store, Map<String, String> values) {
        Map<String, String> config = new HashMap<>(Map.of("myhostname", "mx.example.org", "mynetworks", "127.0.0.0/8"));
        config.putAll(values);
        return Anvil.from(Config.of(config), store, "smtp", log);
    }

    @Test
    void refusesTheConnectionOverTheCountLimitAndCountsDisconnects() {
        Anvil anvil = anvil(CounterStore.open("memory:", null), Map.of("smtpd_client_connection_count_limit", "2"));

        assertThat(anvil.connect(stranger, "unknown[192.0.2.7]")).isNull();
        assertThat(anvil.connect(stranger, "unknown[192.0.2.7]")).isNull();
        assertThat(anvil.connect(stranger, "unknown[192.0.2.7]")).hasToString(
                "421 4.7.0 mx.example.org Error: too many connections from 192.0.2.7");
        anvil.disconnect(stranger);
        anvil.disconnect(stranger);
        assertThat(anvil.connect(stranger, "unknown[192.0.2.7]")).isNull();
        assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains(
                "warning: Connection concurrency limit exceeded: 3 from unknown[192.0.2.7] for service smtp");
    }

    @Test
    void refusesConnectionsMessagesAndRecipientsOverTheirRates() {
        Anvil anvil = anvil(CounterStore.open("memory:", null), Map.of("smtpd_client_connection_rate_limit", "2",
                "smtpd_client_message_rate_limit", "1", "smtpd_client_recipient_rate_limit", "3",
                "smtpd_client_auth_rate_limit", "1", "anvil_rate_time_unit", "120s"));

        for (int i = 0; i < 2; i++) {
            assertThat(anvil.connect(stranger, "unknown[192.0.2.7]")).isNull();
            anvil.disconnect(stranger);
        }
        assertThat(anvil.connect(stranger, "unknown[192.0.2.7]")).hasToString(
                "421 4.7.0 mx.example.org Error: too many connections from 192.0.2.7");
        assertThat(anvil.message(stranger, "unknown[192.0.2.7]")).isNull();
        assertThat(anvil.message(stranger, "unknown[192.0.2.7]")).hasToString(
                "450 4.7.1 Error: too much mail from 192.0.2.7");
        for (int i = 0; i < 3; i++) {
            assertThat(anvil.recipient(stranger, "unknown[192.0.2.7]")).isNull();
        }
        assertThat(anvil.recipient(stranger, "unknown[192.0.2.7]")).hasToString(
                "450 4.7.1 Error: too many recipients from 192.0.2.7");
        assertThat(anvil.auth(stranger, "unknown[192.0.2.7]")).isNull();
        assertThat(anvil.auth(stranger, "unknown[192.0.2.7]")).hasToString(
                "450 4.7.1 Error: too many AUTH commands from 192.0.2.7");
        assertThat(logBytes.toString(StandardCharsets.UTF_8))
                .contains("warning: Connection rate limit exceeded: 3 from unknown[192.0.2.7] for service smtp")
                .contains("warning: Message delivery request rate limit exceeded: 2 from unknown[192.0.2.7]")
                .contains("warning: Recipient address rate limit exceeded: 4 from unknown[192.0.2.7]")
                .contains("warning: AUTH command rate limit exceeded: 2 from unknown[192.0.2.7]");
    }

    @Test
    void exemptsMynetworksByDefaultAndTheConfiguredExceptions() {
        Anvil byDefault = anvil(CounterStore.open("memory:", null), Map.of("smtpd_client_message_rate_limit", "1"));
        InetAddress local = address("127.0.0.1");
        assertThat(byDefault.message(local, "localhost[127.0.0.1]")).isNull();
        assertThat(byDefault.message(local, "localhost[127.0.0.1]")).isNull();

        Anvil configured = anvil(CounterStore.open("memory:", null), Map.of("smtpd_client_message_rate_limit", "1",
                "smtpd_client_event_limit_exceptions", "192.0.2.0/24"));
        assertThat(configured.message(stranger, "x")).isNull();
        assertThat(configured.message(stranger, "x")).isNull();
        assertThat(configured.message(local, "x")).isNull();
        assertThat(configured.message(local, "x")).isNotNull();
    }

    @Test
    void aRateWindowEndsAfterTheTimeUnit() throws Exception {
        CounterStore store = CounterStore.open("memory:", null);
        assertThat(store.countEvent("k", Duration.ofMillis(200))).isEqualTo(1);
        assertThat(store.countEvent("k", Duration.ofMillis(200))).isEqualTo(2);
        Thread.sleep(300);
        assertThat(store.countEvent("k", Duration.ofMillis(200))).isEqualTo(1);
    }

    @Test
    void twoNodesOnOneRedisEnforceOneLimitAndAnOutageFailsClosedWithOneLogLine() throws Exception {
        try (RedisServer redis = RedisServer.start(dir);
                CounterStore a = CounterStore.open(redis.uri(), log);
                CounterStore b = CounterStore.open(redis.uri(), log)) {
            Map<String, String> limits = Map.of("smtpd_client_message_rate_limit", "2",
                    "smtpd_client_connection_count_limit", "1");
            Anvil nodeA = anvil(a, limits);
            Anvil nodeB = anvil(b, limits);

            assertThat(nodeA.message(stranger, "x")).isNull();
            assertThat(nodeB.message(stranger, "x")).isNull();
            assertThat(nodeA.message(stranger, "x")).isNotNull();
            assertThat(nodeB.message(stranger, "x")).isNotNull();

            assertThat(nodeA.connect(stranger, "x")).isNull();
            assertThat(nodeB.connect(stranger, "x")).isNotNull();
            nodeB.disconnect(stranger);
            nodeA.disconnect(stranger);
            assertThat(nodeB.connect(stranger, "x")).isNull();
            nodeB.disconnect(stranger);

            redis.stop();
            // Limits fail closed: a limited client is deferred, never let through uncounted.
            for (int i = 0; i < 5; i++) {
                assertThat(nodeA.message(stranger, "x")).hasToString("450 4.3.0 Error: client limits unavailable, "
                        + "try again later");
                assertThat(nodeA.connect(stranger, "x")).hasToString("421 4.3.0 mx.example.org Error: client limits "
                        + "unavailable, try again later");
                nodeA.disconnect(stranger);
            }
            // The client limit exceptions (mynetworks) are not counted, so they still get in.
            assertThat(nodeA.connect(address("127.0.0.1"), "x")).isNull();
            String logged = logBytes.toString(StandardCharsets.UTF_8);
            assertThat(logged.lines().filter(l -> l.contains("anvil_database redis 127.0.0.1:" + redis.port()
                    + "/0 unreachable: ")).count()).as(logged).isEqualTo(1);
            assertThat(logged).doesNotContain("problem talking");

            redis.startAgain();
            // Redis came back empty: counting starts over, and the client is served again.
            SmtpReply reply = nodeA.message(stranger, "x");
            for (int i = 0; i < 100 && reply != null; i++) {
                Thread.sleep(50);
                reply = nodeA.message(stranger, "x");
            }
            assertThat(reply).isNull();
            assertThat(logBytes.toString(StandardCharsets.UTF_8))
                    .contains("anvil_database redis 127.0.0.1:" + redis.port() + "/0 answers again");
        }
    }
}
