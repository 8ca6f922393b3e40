package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes behind a real haproxy ({@code send-proxy-v2}, round-robin, health checks) sharing
 * one real redis-server, as README's "More than one machine" describes: a client's limits and
 * the greylist hold across nodes, a node killed under load costs no acknowledged message, and
 * without Redis every node keeps answering and fails closed, logging the outage once.
 */
class ClusterTest {

    /** Outside mynetworks (127.0.0.1/32), so limits and greylisting apply. */
    private static final String CLIENT = "127.0.0.5";
    private static final String GREYLISTED_CLIENT = "127.0.0.6";
    private static final Set<String> ALL_NODES = Set.of("mx1.example.test", "mx2.example.test", "mx3.example.test");
    private static final String GREYLISTING =
            "permit_mynetworks, reject_unauth_destination, check_policy_service builtin:greylist";

    @TempDir
    Path root;

    private Cluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Cluster start(BiConsumer<Integer, MailSystemFixture> configure) throws Exception {
        cluster = Cluster.start(root, 3, configure);
        return cluster;
    }

    /** The greeting (or the refusal sent in its place) to a client from {@code from}, then QUIT. */
    private static String greeting(int port, String from) throws IOException {
        try (SmtpDialogue smtp = new SmtpDialogue(port, from)) {
            String reply = smtp.reply();
            if (reply.startsWith("220 ")) {
                smtp.command("QUIT");
            }
            return reply;
        }
    }

    /** The node that wrote a reply: the host name that follows the code. */
    private static String node(String reply) {
        return reply.split(" ")[reply.startsWith("220 ") ? 1 : 2];
    }

    @Test
    void aClientsConnectionRateLimitHoldsAcrossNodes() throws Exception {
        start((i, node) -> node.set("smtpd_client_connection_rate_limit", "6"));

        Set<String> greetedBy = new TreeSet<>();
        for (int i = 0; i < 6; i++) {
            String reply = greeting(cluster.port(), CLIENT);
            assertThat(reply).as("connection %d", i + 1).startsWith("220 mx");
            greetedBy.add(node(reply));
        }
        assertThat(greetedBy).as("round-robin dealt the six connections to every node").isEqualTo(ALL_NODES);

        // Each node has seen two of the client's connections; with counters per node none would refuse.
        Set<String> refusedBy = new TreeSet<>();
        for (int i = 0; i < 3; i++) {
            String reply = greeting(cluster.port(), CLIENT);
            assertThat(reply).matches("421 4\\.7\\.0 mx[123]\\.example\\.test Error: too many connections from "
                    + Pattern.quote(CLIENT));
            refusedBy.add(node(reply));
        }
        assertThat(refusedBy).isEqualTo(ALL_NODES);
        for (Cluster.Node node : cluster.nodes) {
            assertThat(node.maillog()).as(node.name).containsPattern(
                    "warning: Connection rate limit exceeded: \\d+ from unknown\\[127\\.0\\.0\\.5\\] for service");
        }
    }

    @Test
    void aTripletFirstSeenOnOneNodePassesOnAnotherAfterTheDelay() throws Exception {
        start((i, node) -> node.set("greylist_delay", "2s").set("smtpd_recipient_restrictions", GREYLISTING));
        Cluster.Node a = cluster.node(0);
        Cluster.Node b = cluster.node(1);

        String first = SmtpDialogue.rcpt(cluster.haproxy.pinnedPort(0), GREYLISTED_CLIENT, "client.example",
                "sender@remote.example", "alice@example.test");
        assertThat(first).startsWith("450 4.2.0 <alice@example.test>: Recipient address rejected: Greylisted");
        assertThat(a.maillog()).contains("action=greylist, reason=new, client_name=unknown, client_address="
                + GREYLISTED_CLIENT);

        // Node b retries as a sending MTA would, until the delay that began on node a has passed.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        String reply;
        do {
            Thread.sleep(250);
            reply = SmtpDialogue.send(cluster.haproxy.pinnedPort(1), GREYLISTED_CLIENT, "client.example",
                    "sender@remote.example", "alice@example.test", "Subject: greylisted on mx1\n\nhello\n");
        } while (!reply.startsWith("250 ") && Instant.now().isBefore(deadline));

        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        String logB = b.maillog();
        assertThat(logB).as("node b never saw the triplet as new: it found node a's")
                .doesNotContain("action=greylist, reason=new")
                .contains("action=pass, reason=triplet found, client_name=unknown, client_address=" + GREYLISTED_CLIENT);
        Path message = b.system.awaitDelivered("alice", 1).get(0);
        assertThat(Files.readString(message)).containsPattern("X-Greylist: delayed [2-9]\\d* seconds by postgrey");
    }

    @Test
    void withoutRedisEveryNodeFailsClosedLogsTheOutageOnceAndRecovers() throws Exception {
        start((i, node) -> node.set("smtpd_client_connection_rate_limit", "100")
                .set("greylist_delay", "2s").set("smtpd_recipient_restrictions", GREYLISTING)
                // 127.0.0.6 is not counted by anvil, so its RCPT reaches the greylist.
                .set("smtpd_client_event_limit_exceptions", "127.0.0.1/32 " + GREYLISTED_CLIENT + "/32"));
        assertThat(greeting(cluster.port(), CLIENT)).startsWith("220 ");

        cluster.redis.stop();
        Set<String> answeredBy = new TreeSet<>();
        for (int i = 0; i < 6; i++) {
            String reply = greeting(cluster.port(), CLIENT);
            assertThat(reply).matches("421 4\\.3\\.0 mx[123]\\.example\\.test Error: client limits unavailable, "
                    + "try again later");
            answeredBy.add(node(reply));
        }
        assertThat(answeredBy).isEqualTo(ALL_NODES);
        for (int i = 0; i < 6; i++) {
            assertThat(SmtpDialogue.rcpt(cluster.port(), GREYLISTED_CLIENT, "client.example", "sender@remote.example",
                    "alice@example.test")).isEqualTo("451 4.3.5 <alice@example.test>: Recipient address rejected: "
                    + "Server configuration problem");
        }
        String redisAt = "redis 127.0.0.1:" + cluster.redis.port() + "/0";
        for (Cluster.Node node : cluster.nodes) {
            String log = node.maillog();
            assertThat(node.logLines("warning: anvil_database " + redisAt + " unreachable: ")).as(log).isEqualTo(1);
            assertThat(node.logLines("warning: greylist_database " + redisAt + " unreachable: ")).as(log)
                    .isEqualTo(1);
            assertThat(log).doesNotContain("problem talking");
        }

        cluster.redis.startAgain();
        Set<String> greetedBy = new TreeSet<>();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!greetedBy.equals(ALL_NODES) && Instant.now().isBefore(deadline)) {
            String reply = greeting(cluster.port(), CLIENT);
            if (reply.startsWith("220 ")) {
                greetedBy.add(node(reply));
            } else {
                Thread.sleep(100);
            }
        }
        assertThat(greetedBy).as("nodes that greet again").isEqualTo(ALL_NODES);
        for (int i = 0; i < cluster.nodes.size(); i++) {
            // Redis came back empty (no persistence): a new triplet, greylisted as before the outage.
            assertThat(SmtpDialogue.rcpt(cluster.haproxy.pinnedPort(i), GREYLISTED_CLIENT, "client.example",
                    "sender" + i + "@remote.example", "alice@example.test"))
                    .startsWith("450 4.2.0 <alice@example.test>: Recipient address rejected: Greylisted");
            Cluster.Node node = cluster.node(i);
            assertThat(node.logLines("anvil_database " + redisAt + " answers again")).as(node.name).isEqualTo(1);
            assertThat(node.logLines("greylist_database " + redisAt + " answers again")).as(node.name).isEqualTo(1);
        }
    }
}
