package org.bulwark.postscreen;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.bulwark.config.Config;
import org.bulwark.dns.DnsResolver;
import org.bulwark.log.MailLog;
import org.bulwark.smtpd.SmtpServer;
import org.bulwark.smtpd.UpstreamProxy;
import org.bulwark.util.OpenConnections;

/**
 * One postscreen listener (master.cf {@code smtp inet n - y - 1 postscreen}): accepts each
 * connection on a virtual thread of its own, screens it ({@link Screening}) and hands a client
 * that passed to the {@code pass} smtpd service on the same socket. master.cf's process limit does
 * not apply (Postfix runs one postscreen process for all clients); postscreen_pre_queue_limit and
 * postscreen_post_queue_limit do.
 */
public final class PostscreenServer implements AutoCloseable {

    /**
     * What a screening is built from; {@code bulwark reload} swaps it, screenings under way keep
     * theirs.
     */
    record Setup(Settings settings, ScreenCache cache, DnsResolver dns, SmtpServer smtpd) {

        /** Hands the connection to smtpd; false when smtpd is at its process limit. */
        boolean passTo(Socket socket, UpstreamProxy.Client client, byte[] pending) {
            return smtpd.serve(socket, client, pending);
        }
    }

    /** Connections per client, being screened, and passed on to smtpd, over every setup. */
    static final class Counts {
        private final ReentrantLock lock = new ReentrantLock();
        private final Map<String, Integer> perClient = new HashMap<>();
        private final AtomicInteger open = new AtomicInteger();
        private final AtomicInteger passedOn = new AtomicInteger();

        int connected(String client) {
            lock.lock();
            try {
                return perClient.merge(client, 1, Integer::sum);
            } finally {
                lock.unlock();
            }
        }

        void disconnected(String client) {
            lock.lock();
            try {
                perClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
            } finally {
                lock.unlock();
            }
        }

        /** Connections being screened now, the asking one included. */
        int screening() {
            return open.get() - passedOn.get() - 1;
        }

        int passedOn() {
            return passedOn.get();
        }

        /** A connection handed to smtpd, or back from it (postscreen_post_queue_limit counts these). */
        void passing(boolean on) {
            if (on) {
                passedOn.incrementAndGet();
            } else {
                passedOn.decrementAndGet();
            }
        }
    }

    private final InetSocketAddress listen;
    private final MailLog.Logger log;
    private volatile Setup setup;
    private final Counts counts = new Counts();
    private final OpenConnections sockets = new OpenConnections();
    private volatile ServerSocket server;
    private volatile boolean stopping;
    private Thread acceptor;

    /**
     * @param config the postscreen service's configuration (main.cf with its -o overrides)
     * @param smtpd  the pass service that gets the clients that pass
     * @param log    the service's maillog; the server logs as postscreen
     */
    public PostscreenServer(Config config, InetSocketAddress listen, SmtpServer smtpd, DnsResolver dns, MailLog log) {
        this.listen = listen;
        this.log = log.program("postscreen");
        Settings settings = Settings.from(config);
        ScreenCache cache = ScreenCache.open(config.get("postscreen_cache_map"),
                java.nio.file.Path.of(config.get("data_directory")), settings.cacheRetention(), this.log);
        this.setup = new Setup(settings, cache, dns, smtpd);
    }

    /** The pass service postscreen hands clients to: smtpd_service_name of the postscreen line. */
    public static String passServiceName(Config config) {
        return config.get("smtpd_service_name").strip();
    }

    public InetSocketAddress listenAddress() {
        return listen;
    }

    /**
     * {@code bulwark reload}: new connections are screened with {@code fresh}'s settings and passed
     * to its smtpd; the socket stays open. Returns the old setup's cache to close once the
     * screenings under way have ended.
     */
    public Runnable adopt(PostscreenServer fresh) {
        Setup old = setup;
        setup = fresh.setup;
        return () -> {
            if (old.cache() != null) {
                old.cache().close();
            }
        };
    }

    public void start() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(listen, 4096);
        server = socket;
        acceptor = Thread.ofVirtual().name("postscreen-accept-" + socket.getLocalPort()).start(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!stopping) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!stopping) {
                    log.warning(PostscreenTexts.acceptFailed(server.getLocalPort(), e.getMessage()));
                    pause();
                }
                continue;
            }
            Setup current = setup;
            register(client);
            Thread.ofVirtual().name("postscreen").start(() -> {
                try (client) {
                    new Screening(current, client, log).run(counts);
                } catch (IOException | RuntimeException e) {
                    if (!(e instanceof IOException)) {
                        log.warning(PostscreenTexts.unexpectedError(client.getInetAddress().getHostAddress(), e.toString()));
                    }
                } finally {
                    unregister(client);
                }
            });
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void register(Socket client) {
        sockets.add(client);
        counts.open.incrementAndGet();
    }

    private void unregister(Socket client) {
        sockets.remove(client);
        counts.open.decrementAndGet();
    }

    /** Connections open now, screened or passed on. */
    public int activeConnections() {
        return counts.open.get();
    }

    /** Stops accepting, waits up to {@code grace} for connections to end, then closes the rest. */
    public void stop(Duration grace) {
        stopping = true;
        ServerSocket s = server;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // Closing was all we wanted.
            }
        }
        try {
            sockets.closeAll(grace, Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (acceptor != null) {
            try {
                acceptor.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Releases the cache; after {@link #stop}. */
    public void release() {
        if (setup.cache() != null) {
            setup.cache().close();
        }
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
        release();
    }
}
