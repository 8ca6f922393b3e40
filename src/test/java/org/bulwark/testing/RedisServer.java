package org.bulwark.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A real redis-server from Debian's package on a free loopback port, without persistence, in a
 * directory of the test's. It can be stopped and started again on the same port, to play an
 * outage.
 */
public final class RedisServer implements AutoCloseable {

    private final Path directory;
    private final int port;
    private Process process;

    private RedisServer(Path directory, int port) {
        this.directory = directory;
        this.port = port;
    }

    public static RedisServer start(Path directory) throws IOException, InterruptedException {
        int port = FreePorts.next();
        RedisServer redis = new RedisServer(directory, port);
        redis.startAgain();
        return redis;
    }

    public void startAgain() throws IOException, InterruptedException {
        process = new ProcessBuilder(Peers.redisServer(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", directory.toString(), "--protected-mode", "yes")
                .redirectErrorStream(true).redirectOutput(directory.resolve("redis.log").toFile()).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (answersPing()) {
                return;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new IOException("redis-server did not start on 127.0.0.1:" + port + "; see " + directory.resolve("redis.log"));
    }

    private boolean answersPing() {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] b = new byte[7];
            int n = in.readNBytes(b, 0, 7);
            return new String(b, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** The URI Bulwark's *_database parameters take. */
    public String uri() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
