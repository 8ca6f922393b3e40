package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.bulwark.testing.FakeSmtpServer;
import org.bulwark.testing.Peers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes behind a real haproxy ({@code send-proxy-v2}, round-robin, health checks) sharing
 * one real redis-server, as README's "More than one machine" describes: a client's limits, the
 * greylist, postscreen's cache and address verification results hold across nodes, a node killed
 * under load costs no acknowledged message, and without Redis every node keeps answering and
 * fails closed, logging the outage once.
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

    private Cluster start(Cluster.NodeSettings configure) throws Exception {
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
        start((i, node, redis) -> node.set("smtpd_client_connection_rate_limit", "6"));

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
        start((i, node, redis) -> node.set("greylist_delay", "2s").set("smtpd_recipient_restrictions", GREYLISTING));
        Cluster.Node a = cluster.node(0);
        Cluster.Node b = cluster.node(1);

        String first = SmtpDialogue.rcpt(cluster.haproxy.pinnedPort(0), GREYLISTED_CLIENT, "client.example",
                "sender@remote.example", "alice@example.test");
        assertThat(first).startsWith("450 4.2.0 <alice@example.test>: Recipient address rejected: Greylisted");
        assertThat(a.maillog()).contains("action=greylist, reason=new, client_name=unknown, client_address="
                + GREYLISTED_CLIENT);

        // Node b retries as a sending MTA would, until the delay that began on node a has passed;
        // not within node a's second, where postgrey too calls a triplet it finds "new".
        Thread.sleep(1_000);
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
    void aPostscreenPassCachedByOneNodeIsHonouredByAnother() throws Exception {
        start((i, node, redis) -> node.postscreen()
                .set("postscreen_upstream_proxy_protocol", "haproxy")
                .set("postscreen_greet_wait", "1s")
                .set("postscreen_cache_map", redis));
        Cluster.Node a = cluster.node(0);
        Cluster.Node b = cluster.node(1);

        assertThat(SmtpDialogue.send(cluster.haproxy.pinnedPort(0), CLIENT, "client.example", "sender@remote.example",
                "alice@example.test", "Subject: screened on mx1\n\nhello\n")).startsWith("250 2.0.0 Ok: queued as ");
        awaitCondition(() -> a.maillog().contains("PASS NEW [" + CLIENT + "]:"), "node a's PASS NEW");

        assertThat(SmtpDialogue.send(cluster.haproxy.pinnedPort(1), CLIENT, "client.example", "sender@remote.example",
                "alice@example.test", "Subject: screened on mx2\n\nhello\n")).startsWith("250 2.0.0 Ok: queued as ");
        awaitCondition(() -> b.maillog().contains("PASS OLD [" + CLIENT + "]:"), "node b's PASS OLD");
        assertThat(b.maillog()).as("node b knew the client from node a's test")
                .doesNotContain("PASS NEW [" + CLIENT + "]:");
    }

    @Test
    void anAddressVerifiedByOneNodeIsKnownToAnother() throws Exception {
        String refusal = "550 5.1.1 <unknown@remote.test>... User unknown";
        try (FakeSmtpServer remote = FakeSmtpServer.start(FakeSmtpServer.options()
                .rcptReply(to -> to.equals("unknown@remote.test") ? refusal : "250 2.1.5 Ok"))) {
            start((i, node, redis) -> {
                try {
                    Files.writeString(node.conf.resolve("transport"), "remote.test relay:[127.0.0.1]:" + remote.port() + "\n");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                node.set("relay_domains", "remote.test")
                        .set("transport_maps", "texthash:" + node.conf.resolve("transport"))
                        .set("smtpd_recipient_restrictions",
                                "permit_mynetworks, reject_unauth_destination, reject_unverified_recipient")
                        .set("address_verify_poll_delay", "1s")
                        .addressVerification(redis);
            });
            Cluster.Node a = cluster.node(0);
            Cluster.Node b = cluster.node(1);
            String expected = "450 4.1.1 <unknown@remote.test>: Recipient address rejected: unverified address: "
                    + "host 127.0.0.1[127.0.0.1] said: " + refusal + " (in reply to RCPT TO command)";

            // Node a probes; its answer lands in the shared cache.
            String onA = SmtpDialogue.rcpt(cluster.haproxy.pinnedPort(0), CLIENT, "client.example",
                    "sender@remote.example", "unknown@remote.test");
            awaitCondition(() -> a.maillog().contains("to=<unknown@remote.test>") && a.maillog().contains("status=undeliverable"),
                    "node a's probe result");
            assertThat(onA).isIn(expected, "450 4.1.1 <unknown@remote.test>: Recipient address rejected: "
                    + "Address verification in progress");

            // Node b answers from that cache at once, without a probe of its own.
            assertThat(SmtpDialogue.rcpt(cluster.haproxy.pinnedPort(1), CLIENT, "client.example",
                    "sender@remote.example", "unknown@remote.test")).isEqualTo(expected);
            assertThat(b.maillog()).doesNotContain("status=undeliverable").doesNotContain("status=deliverable");
            assertThat(remote.commands().stream().filter(c -> c.equalsIgnoreCase("RCPT TO:<unknown@remote.test>")))
                    .as("one probe in the whole cluster").hasSize(1);
        }
    }

    @Test
    void withoutRedisEveryNodeFailsClosedLogsTheOutageOnceAndRecovers() throws Exception {
        start((i, node, redis) -> node.set("smtpd_client_connection_rate_limit", "100")
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
            // The greylist has a connection of its own, asked again at most once a second after
            // a failure: a node that greets again may still answer 451 for up to that second.
            String reply = null;
            Instant until = Instant.now().plus(Duration.ofSeconds(10));
            while (reply == null || reply.startsWith("451 4.3.5 ") && Instant.now().isBefore(until)) {
                if (reply != null) {
                    Thread.sleep(200);
                }
                reply = SmtpDialogue.rcpt(cluster.haproxy.pinnedPort(i), GREYLISTED_CLIENT, "client.example",
                        "sender" + i + "@remote.example", "alice@example.test");
            }
            // Redis came back empty (no persistence): a new triplet, greylisted as before the outage.
            assertThat(reply).startsWith("450 4.2.0 <alice@example.test>: Recipient address rejected: Greylisted");
            Cluster.Node node = cluster.node(i);
            assertThat(node.logLines("anvil_database " + redisAt + " answers again")).as(node.name).isEqualTo(1);
            assertThat(node.logLines("greylist_database " + redisAt + " answers again")).as(node.name).isEqualTo(1);
        }
    }

    @Test
    void aNodeKilledUnderLoadLosesNoAcknowledgedMessage() throws Exception {
        start((i, node, redis) -> { });
        Cluster.Node victim = cluster.node(1);
        Path script = root.resolve("smtp_load.py");
        try (InputStream in = ClusterTest.class.getResourceAsStream("/cluster/smtp_load.py")) {
            Files.copy(in, script);
        }
        Process load = new ProcessBuilder(Peers.python3(), script.toString(), "127.0.0.1",
                Integer.toString(cluster.port()), Integer.toString(MOST_LOAD_MESSAGES), "6", "150")
                .redirectError(root.resolve("smtp_load.err").toFile()).start();
        List<String[]> outcomes = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(load.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    outcomes.add(line.split(" "));
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        try {
            // Kill the node while it has accepted mail it has not delivered yet, if that can be caught.
            awaitCondition(() -> accepted(outcomes, victim.hostname()) >= 10, "mx2 accepted 10 messages");
            Path active = victim.queueDirectory().resolve("active");
            Instant until = Instant.now().plus(Duration.ofSeconds(10));
            while (queued(active).isEmpty() && Instant.now().isBefore(until)) {
                Thread.sleep(2);
            }
            victim.kill();
            Set<String> owed = queued(active);
            cluster.awaitServerState(1, "DOWN");
            int afterDown = outcomes.size();
            awaitCondition(() -> outcomes.size() - afterDown >= 50, "50 messages accepted after mx2 was out");
            load.getOutputStream().close(); // the clients finish the messages they hold, then stop

            assertThat(load.waitFor(180, TimeUnit.SECONDS)).as("the load finished").isTrue();
            reader.join(Duration.ofSeconds(10));
            String[] summary = outcomes.getLast();
            assertThat(summary[0]).isEqualTo("done");
            assertThat(outcomes.subList(0, outcomes.size() - 1)).as("every message accepted, none refused for good")
                    .allMatch(o -> o[0].equals("250")).hasSize(Integer.parseInt(summary[1]));
            List<String[]> later = outcomes.subList(afterDown, outcomes.size() - 1);
            assertThat(later).as("accepted after haproxy took mx2 out").noneMatch(o -> o[2].equals(victim.hostname()));

            victim.restart();
            Set<String> acknowledged = new TreeSet<>();
            outcomes.stream().filter(o -> o[0].equals("250")).forEach(o -> acknowledged.add(o[1]));
            Map<String, Integer> delivered = Map.of();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (!delivered.keySet().containsAll(acknowledged) && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
                delivered = cluster.delivered("alice", LOAD_SUBJECT);
            }
            long duplicates = delivered.values().stream().filter(n -> n > 1).count();
            System.out.printf("cluster kill -9: %d acknowledged (%d after mx2 was out), %d in mx2's queue at the kill,"
                    + " %d delivered, %d delivered twice%n", acknowledged.size(), later.size(), owed.size(),
                    delivered.size(), duplicates);
            assertThat(delivered.keySet()).as("every acknowledged message delivered").containsAll(acknowledged);
            // What mx2 had queued when it died, it delivered itself after the restart.
            assertThat(victim.system.delivered("alice").stream().map(ClusterTest::subject).toList())
                    .containsAll(owed);
            // A kill repeats at most the transactions under way at that moment: one per client.
            assertThat(duplicates).isLessThanOrEqualTo(6);
        } finally {
            load.destroyForcibly();
        }
    }

    /**
     * README's "Draining a node and moving its queue", step by step: a node that holds deferred
     * mail is stopped, its active/ and deferred/ files are copied to a directory beside the other
     * node's queue and moved (never over an existing ID) into that node's deferred/, and
     * {@code postsuper -r ALL deferred} there has them delivered by the node that adopted them.
     */
    @Test
    void aStoppedNodesQueueMovedToAnotherNodeIsDeliveredThere() throws Exception {
        // mx3's mailbox store is "unreachable": it accepts and defers, as a node cut off from it would.
        start((i, node, redis) -> {
            if (i == 2) {
                node.set("virtual_transport", "retry:4.4.1 mailbox store unreachable");
            }
        });
        Cluster.Node drained = cluster.node(2);
        Cluster.Node adopting = cluster.node(0);
        for (int n = 0; n < 5; n++) {
            assertThat(SmtpDialogue.send(cluster.haproxy.pinnedPort(2), CLIENT, "client.example",
                    "sender@remote.example", "alice@example.test", "Subject: cluster-" + n + "\n\nmessage " + n + "\n"))
                    .startsWith("250 2.0.0 Ok: queued as ");
        }
        awaitCondition(() -> drained.logLines("status=deferred (mailbox store unreachable)") >= 5,
                "mx3 deferred its 5 messages");
        drained.stop();

        Path script = root.resolve("move-queue.sh");
        Files.writeString(script, """
                set -eu
                B=%s
                A=%s
                ADOPT=%s
                mkdir -m 700 "$ADOPT"
                find "$B"/active "$B"/deferred -type f -exec cp -p {} "$ADOPT"/ ';'
                find "$ADOPT" -type f -exec mv -n {} "$A"/deferred/ ';'
                rmdir "$ADOPT"
                """.formatted(drained.queueDirectory(), adopting.queueDirectory(), root.resolve("adopt")));
        MailSystemFixture.ProcessResult moved = MailSystemFixture.run(List.of("bash", script.toString()), null);
        assertThat(moved.exitCode()).as(moved.output()).isZero();
        MailSystemFixture.ProcessResult requeued = MailSystemFixture.run(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                "org.bulwark.cli.Bulwark", "-c", adopting.system.conf.toString(), "postsuper", "-r", "ALL", "deferred"),
                null);
        assertThat(requeued.output()).contains("postsuper: Requeued: 5 messages");

        List<Path> delivered = adopting.system.awaitDelivered("alice", 5);
        assertThat(delivered.stream().map(ClusterTest::subject).toList())
                .containsExactlyInAnyOrder("0", "1", "2", "3", "4");
    }

    /** Far more than the test waits for: the clients stop when the test closes their standard input. */
    private static final int MOST_LOAD_MESSAGES = 5000;
    private static final Pattern LOAD_SUBJECT = Pattern.compile("(?m)^Subject: cluster-(\\d+)\\r?$");

    private static long accepted(List<String[]> outcomes, String node) {
        return outcomes.stream().filter(o -> o[0].equals("250") && o[2].equals(node)).count();
    }

    /** The load messages in a queue directory, by number. */
    private static Set<String> queued(Path directory) throws IOException {
        Set<String> numbers = new TreeSet<>();
        if (!Files.isDirectory(directory)) {
            return numbers;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                String number = subject(file);
                if (number != null) {
                    numbers.add(number);
                }
            }
        }
        return numbers;
    }

    private static String subject(Path file) {
        try {
            Matcher m = LOAD_SUBJECT.matcher(Files.readString(file, StandardCharsets.ISO_8859_1));
            return m.find() ? m.group(1) : null;
        } catch (NoSuchFileException e) {
            return null; // delivered meanwhile
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitCondition(Condition condition, String what) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!condition.holds()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
