package org.bulwark.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * A real haproxy from Debian's package in TCP mode: a frontend on a free loopback port, passing
 * each connection to one backend server with a PROXY protocol header ({@code send-proxy} for
 * version 1, {@code send-proxy-v2} for version 2), as a load balancer in front of a mail server.
 */
public final class Haproxy implements AutoCloseable {

    private final Process process;
    private final int port;

    private Haproxy(Process process, int port) {
        this.process = process;
        this.port = port;
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
        Path log = directory.resolve("haproxy.log");
        Process process = new ProcessBuilder(Peers.haproxy(), "-f", config.toString(), "-db")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Haproxy haproxy = new Haproxy(process, port);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            // Watch the kernel's socket table rather than connect: a probe would reach the backend as a client.
            if (listening(port)) {
                return haproxy;
            }
            Thread.sleep(50);
        }
        haproxy.close();
        throw new IOException("haproxy did not listen on 127.0.0.1:" + port + ": " + Files.readString(log));
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

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
