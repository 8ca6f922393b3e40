package org.bulwark.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A real haproxy from Debian's package in TCP mode: a frontend on a free loopback port, passing
 * each connection to one backend server with a PROXY protocol header ({@code send-proxy} for
 * version 1, {@code send-proxy-v2} for version 2), as a load balancer in front of a mail server;
 * or ({@link #startBalanced}) in front of several, with health checks.
 */
public final class Haproxy implements AutoCloseable {

    private final Process process;
    private final int port;
    private final List<Integer> pinned;
    private final Path directory;

    private Haproxy(Path directory, Process process, int port, List<Integer> pinned) {
        this.directory = directory;
        this.process = process;
        this.port = port;
        this.pinned = pinned;
    }

    /**
     * Starts haproxy in the foreground with a configuration written to {@code directory}.
     *
     * @param serverOptions the backend server's options, e.g. {@code send-proxy-v2}
     */
    public static Haproxy start(Path directory, int backendPort, String serverOptions)
            throws IOException, InterruptedException {
        return start(directory, "", backendPort, serverOptions);
    }

    /**
     * As {@link #start(Path, int, String)}, with options on the frontend's bind line, e.g.
     * {@code ssl crt /path/chain.pem} to end the client's TLS at the proxy.
     */
    public static Haproxy start(Path directory, String bindOptions, int backendPort, String serverOptions)
            throws IOException, InterruptedException {
        int port = FreePorts.next();
        Path config = directory.resolve("haproxy.cfg");
        Files.writeString(config, """
                global
                    maxconn 100
                defaults
                    mode tcp
                    timeout connect 5s
                    timeout client 60s
                    timeout server 60s
                frontend mail
                    bind 127.0.0.1:%d %s
                    default_backend bulwark
                backend bulwark
                    server s 127.0.0.1:%d %s
                """.formatted(port, bindOptions, backendPort, serverOptions));
        return run(directory, config, port, List.of());
    }

    /**
     * haproxy in front of several servers, as in front of a cluster of mail servers: a frontend
     * ({@link #port()}) that deals connections round-robin to the servers that pass haproxy's
     * SMTP health check every 200 ms (two failures take a server out, two passes bring it back;
     * a connection that cannot reach its server is dealt to another), and one frontend per
     * server ({@link #pinnedPort}) that always reaches that server, to play a client that
     * must reach one node. Every connection, health checks included, carries a PROXY v2 header.
     */
    public static Haproxy startBalanced(Path directory, List<Integer> backendPorts)
            throws IOException, InterruptedException {
        int port = FreePorts.next();
        StringBuilder servers = new StringBuilder();
        StringBuilder pinnedSections = new StringBuilder();
        List<Integer> pinned = new java.util.ArrayList<>();
        for (int i = 0; i < backendPorts.size(); i++) {
            int pinnedPort = FreePorts.next();
            pinned.add(pinnedPort);
            servers.append("    server node%d 127.0.0.1:%d send-proxy-v2 check inter 200ms fall 2 rise 2\n"
                    .formatted(i + 1, backendPorts.get(i)));
            pinnedSections.append("listen node%d\n    bind 127.0.0.1:%d\n    server node%d 127.0.0.1:%d send-proxy-v2\n"
                    .formatted(i + 1, pinnedPort, i + 1, backendPorts.get(i)));
        }
        Path config = directory.resolve("haproxy.cfg");
        Files.writeString(config, """
                global
                    maxconn 200
                    stats socket %s mode 600 level admin
                defaults
                    mode tcp
                    timeout connect 2s
                    timeout client 60s
                    timeout server 60s
                    timeout check 5s
                    retries 2
                    option redispatch
                frontend mail
                    bind 127.0.0.1:%d
                    default_backend nodes
                backend nodes
                    balance roundrobin
                    option smtpchk HELO haproxy.example.test
                """.formatted(directory.resolve("haproxy.sock"), port) + servers + pinnedSections);
        return run(directory, config, port, pinned);
    }

    private static Haproxy run(Path directory, Path config, int port, List<Integer> pinned)
            throws IOException, InterruptedException {
        Path log = directory.resolve("haproxy.log");
        Process process = new ProcessBuilder(Peers.haproxy(), "-f", config.toString(), "-db")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Haproxy haproxy = new Haproxy(directory, process, port, pinned);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            // Watch the kernel's socket table rather than connect: a probe would reach the backend as a client.
            if (listening(port) && allListening(pinned)) {
                return haproxy;
            }
            Thread.sleep(50);
        }
        haproxy.close();
        throw new IOException("haproxy did not listen on 127.0.0.1:" + port + ": " + Files.readString(log));
    }

    private static boolean allListening(List<Integer> ports) throws IOException {
        for (int p : ports) {
            if (!listening(p)) {
                return false;
            }
        }
        return true;
    }

    private static boolean listening(int port) throws IOException {
        String local = "0100007F:" + String.format(Locale.ROOT, "%04X", port);
        for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length > 3 && fields[1].equals(local) && fields[3].equals("0A")) {
                return true;
            }
        }
        return false;
    }

    /** The frontend's port, where clients connect. */
    public int port() {
        return port;
    }

    /**
     * The state haproxy's health checks give each server of {@link #startBalanced}, from its stats
     * socket: {@code UP}, {@code DOWN}, or a transition such as {@code UP 1/2}, in server order.
     */
    public List<String> serverStates() throws IOException {
        Path socket = directory.resolve("haproxy.sock");
        StringBuilder out = new StringBuilder();
        try (java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of(socket))) {
            channel.write(java.nio.ByteBuffer.wrap("show stat\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(8192);
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                out.append(java.nio.charset.StandardCharsets.US_ASCII.decode(buffer));
                buffer.clear();
            }
        }
        // CSV: pxname,svname,...; status is the 18th column.
        List<String> states = new java.util.ArrayList<>();
        for (int i = 0; i < pinned.size(); i++) {
            String prefix = "nodes,node" + (i + 1) + ",";
            states.add(out.toString().lines().filter(l -> l.startsWith(prefix)).map(l -> l.split(",", -1)[17])
                    .findFirst().orElse("missing"));
        }
        return states;
    }

    /** The port of the frontend that reaches only the {@code index}th server (from 0) of {@link #startBalanced}. */
    public int pinnedPort(int index) {
        return pinned.get(index);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
