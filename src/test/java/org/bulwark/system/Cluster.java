package org.bulwark.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bulwark.testing.Haproxy;
import org.bulwark.testing.RedisServer;

/**
 * Bulwark as the big sites run Postfix: several nodes, each a daemon process with its own
 * configuration directory, queue, Maildirs, maillog and port (mx1.example.test, mx2 ...), all with
 * {@code smtpd_upstream_proxy_protocol = haproxy} behind one real haproxy ({@code send-proxy-v2},
 * round-robin, SMTP health checks) and sharing one real redis-server through
 * {@code anvil_database} and {@code greylist_database}. A test adds its own main.cf lines per
 * node before the start (a shared {@code postscreen_cache_map} or {@code address_verify_map} is
 * one more line: {@code node.set("address_verify_map", redis)}), and can stop, kill and restart a
 * node while the others serve.
 */
final class Cluster implements AutoCloseable {

    /** A test's own main.cf lines for one node. */
    interface NodeSettings {
        /**
         * @param index the node's index, from 0
         * @param redis the shared redis-server's URI, for parameters that name it
         */
        void apply(int index, MailSystemFixture node, String redis);
    }

    private static final Duration START_LIMIT = Duration.ofSeconds(60);

    final RedisServer redis;
    final List<Node> nodes;
    final Haproxy haproxy;

    private Cluster(RedisServer redis, List<Node> nodes, Haproxy haproxy) {
        this.redis = redis;
        this.nodes = nodes;
        this.haproxy = haproxy;
    }

    /**
     * Starts redis-server, {@code size} nodes and haproxy in front of them under {@code root}.
     *
     * @param configure applied to each node before it starts
     */
    static Cluster start(Path root, int size, NodeSettings configure) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return startIn(attempt == 1 ? root : root.resolve("attempt-" + attempt), size, configure);
            } catch (Exception | AssertionError e) {
                // A free port is chosen before the node binds it, seconds later: another test run on
                // this machine may take it meanwhile. Start afresh on other ports.
                String why = String.valueOf(e.getMessage());
                if (attempt == 3 || !(why.contains("Address already in use") || why.contains("cannot bind"))) {
                    throw e;
                }
            }
        }
    }

    private static Cluster startIn(Path root, int size, NodeSettings configure)
            throws Exception {
        RedisServer redis = RedisServer.start(Files.createDirectories(root.resolve("redis")));
        List<Node> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < size; i++) {
                String name = "mx" + (i + 1);
                MailSystemFixture system = new MailSystemFixture(root.resolve(name))
                        .set("myhostname", name + ".example.test")
                        .set("smtpd_upstream_proxy_protocol", "haproxy")
                        .set("anvil_database", redis.uri())
                        .set("greylist_database", redis.uri());
                configure.apply(i, system, redis.uri());
                system.writeConfig();
                nodes.add(new Node(name, system));
            }
            for (Node node : nodes) {
                node.launch();
            }
            for (Node node : nodes) {
                node.awaitStarted();
            }
            Haproxy haproxy = Haproxy.startBalanced(Files.createDirectories(root.resolve("haproxy")),
                    nodes.stream().map(n -> n.system.port()).toList());
            Cluster cluster = new Cluster(redis, nodes, haproxy);
            try {
                for (int i = 0; i < size; i++) {
                    cluster.awaitServerState(i, "UP");
                }
            } catch (Exception | AssertionError e) {
                haproxy.close();
                throw e;
            }
            return cluster;
        } catch (Exception | AssertionError e) {
            nodes.forEach(Node::destroy);
            redis.close();
            throw e;
        }
    }

    /** haproxy's round-robin frontend, where clients connect. */
    int port() {
        return haproxy.port();
    }

    Node node(int index) {
        return nodes.get(index);
    }

    /** Waits until haproxy's health checks give the node {@code state} (UP or DOWN). */
    void awaitServerState(int index, String state) throws Exception {
        Instant deadline = Instant.now().plus(START_LIMIT);
        List<String> states = haproxy.serverStates();
        while (!states.get(index).equals(state)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("haproxy's servers are " + states + ", not " + state + " for "
                        + nodes.get(index).name);
            }
            Thread.sleep(50);
            states = haproxy.serverStates();
        }
    }

    /**
     * Every delivered copy of each message with a {@code Subject:} the pattern's first group reads,
     * across every node's Maildir of {@code user}: subject to number of copies.
     */
    Map<String, Integer> delivered(String user, Pattern subject) throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        for (Node node : nodes) {
            Path dir = node.system.maildir(user).resolve("new");
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Matcher m = subject.matcher(Files.readString(file));
                    if (m.find()) {
                        counts.merge(m.group(1), 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }

    @Override
    public void close() throws Exception {
        haproxy.close();
        nodes.forEach(Node::destroy);
        redis.close();
    }

    /** One node: a {@code bulwark -c DIR start-fg} process with its own directories. */
    static final class Node {
        final String name;
        final MailSystemFixture system;
        private Process process;
        private int starts;

        private Node(String name, MailSystemFixture system) {
            this.name = name;
            this.system = system;
        }

        String hostname() {
            return name + ".example.test";
        }

        /** Its smtpd's own port: every connection there must begin with a PROXY header. */
        int port() {
            return system.port();
        }

        Path queueDirectory() {
            return system.var.resolve("spool");
        }

        String maillog() throws IOException {
            return system.maillog();
        }

        /** How many maillog lines contain {@code text}. */
        long logLines(String text) throws IOException {
            return maillog().lines().filter(l -> l.contains(text)).count();
        }

        /** {@code bulwark -c DIR start-fg} with the launcher's JVM options, which start it quickly. */
        private void launch() throws IOException {
            List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), "org.bulwark.cli.Bulwark",
                    "-c", system.conf.toString(), "start-fg");
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(system.root.resolve("daemon.out").toFile())).start();
            starts++;
        }

        /** Waits for this start's {@code daemon started} line (a restart appends to the same maillog). */
        private void awaitStarted() throws Exception {
            Instant deadline = Instant.now().plus(START_LIMIT);
            while (startedLines() < starts) {
                if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new AssertionError(name + " did not start: " + Files.readString(system.root.resolve("daemon.out"))
                            + "\n" + maillog());
                }
                Thread.sleep(50);
            }
        }

        private long startedLines() throws IOException {
            return logLines(": daemon started -- version ");
        }

        /** Starts the node again on its directories; returns once it serves. */
        void restart() throws Exception {
            launch();
            awaitStarted();
        }

        /** SIGKILL, as a crash or an operator's kill -9: no shutdown at all. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError(name + " survived SIGKILL");
            }
        }

        /** SIGTERM, as {@code bulwark stop}: sessions end, the queue stays. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError(name + " did not stop on SIGTERM");
            }
        }

        private void destroy() {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
