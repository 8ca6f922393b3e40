package org.bulwark.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A real postgrey from Debian's package on a free loopback port, its database and pidfile in a test directory. */
public final class Postgrey implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path directory;

    private Postgrey(Process process, int port, Path directory) {
        this.process = process;
        this.port = port;
        this.directory = directory;
    }

    public static Postgrey start(Path directory, int delaySeconds) throws IOException, InterruptedException {
        int port = FreePorts.next();
        return start(directory, delaySeconds, "--inet=127.0.0.1:" + port, port, null);
    }

    /** postgrey on a UNIX socket, as the guides' {@code unix:postgrey/socket}. */
    public static Postgrey startUnix(Path directory, Path socket, int delaySeconds)
            throws IOException, InterruptedException {
        Files.createDirectories(socket.getParent());
        return start(directory, delaySeconds, "--unix=" + socket, 0, socket);
    }

    private static Postgrey start(Path directory, int delaySeconds, String listen, int port, Path socket)
            throws IOException, InterruptedException {
        Files.createDirectories(directory);
        List<String> command = new ArrayList<>(List.of(Peers.postgrey(), listen,
                "--delay=" + delaySeconds, "--dbdir=" + directory, "--pidfile=" + directory.resolve("postgrey.pid"),
                "--hostname=postgrey.example.test"));
        if (System.getProperty("user.name").equals("root")) {
            // As root postgrey would switch to its own user, which does not own the test's directory.
            command.addAll(List.of("--user=root", "--group=root"));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(directory.resolve("postgrey.log").toFile()).start();
        Postgrey postgrey = new Postgrey(process, port, directory);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            if (socket != null) {
                if (Files.exists(socket)) {
                    return postgrey;
                }
                Thread.sleep(100);
                continue;
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return postgrey;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        postgrey.close();
        throw new IOException("postgrey did not start; see " + directory.resolve("postgrey.log"));
    }

    public int port() {
        return port;
    }

    /** What postgrey logged. */
    public String log() throws IOException {
        return Files.readString(directory.resolve("postgrey.log"));
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            // postgrey may wait for a client that keeps its connection open (a reused policy connection).
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(directory.resolve("postgrey.pid"));
    }
}
