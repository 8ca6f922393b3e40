package org.bulwark.master;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.bulwark.log.LogMetrics;
import org.bulwark.log.RecentCounts;
import org.bulwark.queue.MailQueue;

/**
 * {@code $queue_directory/pid/status}: a UNIX-domain socket that answers every connection with the
 * daemon's recent counts and queue sizes, then closes, for {@code bulwark status}. Always on and
 * local only: the socket is mode 0660, so the daemon's user and group read it, nobody else.
 *
 * <p>One line per value, tab-separated: {@code count NAME LAST_MINUTE LAST_HOUR SINCE_START} for
 * each name of {@link LogMetrics#recent()}, then {@code queue NAME SIZE}.
 */
final class StatusSocket implements AutoCloseable {

    private final Path path;
    private final ServerSocketChannel server;

    private StatusSocket(Path path, ServerSocketChannel server) {
        this.path = path;
        this.server = server;
    }

    /** Listens on {@code path} ({@link PidFile#statusSocket()}). */
    static StatusSocket start(Path path, LogMetrics metrics, MailQueue queue) throws IOException {
        Files.createDirectories(path.getParent());
        // A socket file left by a daemon that was killed would make bind fail.
        Files.deleteIfExists(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
        } catch (IOException | UnsupportedOperationException e) {
            server.close();
            throw e;
        }
        StatusSocket socket = new StatusSocket(path, server);
        Thread.ofVirtual().name("status").start(() -> socket.serve(metrics, queue));
        return socket;
    }

    private void serve(LogMetrics metrics, MailQueue queue) {
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!pause()) { // out of file descriptors, say: try again later rather than spin
                    return;
                }
                continue;
            }
            try (client) {
                ByteBuffer answer = ByteBuffer.wrap(report(metrics, queue).getBytes(StandardCharsets.UTF_8));
                while (answer.hasRemaining()) {
                    client.write(answer);
                }
            } catch (IOException e) {
                // The client went away mid-answer: nothing to do for it; serve the next one.
            }
        }
    }

    /** False when interrupted: the daemon is stopping. */
    private static boolean pause() {
        try {
            Thread.sleep(100);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String report(LogMetrics metrics, MailQueue queue) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, RecentCounts.Window> e : metrics.recent().entrySet()) {
            RecentCounts.Window w = e.getValue();
            b.append("count\t").append(e.getKey().replace('\t', ' ').replace('\n', ' ')).append('\t')
                    .append(w.lastMinute()).append('\t').append(w.lastHour()).append('\t').append(w.sinceStart())
                    .append('\n');
        }
        MetricsEndpoint.queueSizes(queue).forEach((name, size) ->
                b.append("queue\t").append(name).append('\t').append(size).append('\n'));
        waiting(queue, b);
        return b.toString();
    }

    /** How long mail may sit in active/ before status points at it: longer than any normal delivery start. */
    static final java.time.Duration WAITING = java.time.Duration.ofMinutes(5);

    /**
     * {@code waiting COUNT OLDEST_SECONDS}: messages in active/ for longer than {@link #WAITING},
     * the sign of mail that nothing delivers (a missing qmgr or transport, a hung agent).
     */
    private static void waiting(MailQueue queue, StringBuilder b) {
        long now = System.currentTimeMillis();
        int count = 0;
        long oldest = 0;
        try {
            for (org.bulwark.mail.QueueId id : queue.list(org.bulwark.queue.QueueName.ACTIVE)) {
                try {
                    long age = now - Files.getLastModifiedTime(queue.path(org.bulwark.queue.QueueName.ACTIVE, id))
                            .toMillis();
                    if (age > WAITING.toMillis()) {
                        count++;
                        oldest = Math.max(oldest, age / 1000);
                    }
                } catch (IOException e) {
                    // delivered and removed while we looked
                }
            }
        } catch (IOException e) {
            return;
        }
        if (count > 0) {
            b.append("waiting\t").append(count).append('\t').append(oldest).append('\n');
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // A socket file left behind is removed by the next start.
        }
    }
}
