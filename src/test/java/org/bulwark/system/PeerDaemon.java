package org.bulwark.system;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A peer daemon a test starts in the foreground, its output in a log file; stopped by its own pid
 * (SIGTERM, then SIGKILL) at the end.
 */
final class PeerDaemon implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private PeerDaemon(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static PeerDaemon start(String name, List<String> command, Path log, Map<String, String> environment)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return new PeerDaemon(name, builder.start(), log);
    }

    /** Waits until the daemon has made its unix socket; a daemon that exits or takes too long fails the test. */
    PeerDaemon awaitSocket(Path socket, Duration limit) throws Exception {
        return await(() -> Files.exists(socket), limit);
    }

    /** Waits until the daemon accepts connections on a loopback port. */
    PeerDaemon awaitPort(int port, Duration limit) throws Exception {
        return await(() -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }, limit);
    }

    private interface Ready {
        boolean ready() throws Exception;
    }

    private PeerDaemon await(Ready ready, Duration limit) throws Exception {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            if (ready.ready()) {
                return this;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(name + (process.isAlive() ? " did not get ready in " + limit : " exited")
                + "; its output:\n" + output());
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
