package org.bulwark.smtpd;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.bulwark.anvil.Anvil;
import org.bulwark.anvil.CounterStore;
import org.bulwark.cleanup.Cleanup;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.dns.DnsResolver;
import org.bulwark.log.MailLog;
import org.bulwark.protocol.ReplyTexts;
import org.bulwark.restrict.SmtpdRestrictions;
import org.bulwark.util.OpenConnections;

/**
 * One smtpd listener: accepts connections and runs each session on its own virtual thread, at most
 * {@code maxproc} at a time (master.cf's process limit); a client beyond that hears {@code 421} and
 * is let go, as a Postfix master at its limit would leave it waiting.
 */
public final class SmtpServer implements AutoCloseable {

    private final InetSocketAddress listen;
    private final MailLog.Logger log;
    /** What a new session is built from; {@code bulwark reload} swaps it, sessions under way keep theirs. */
    private volatile Setup setup;
    private final OpenConnections open = new OpenConnections();
    private volatile ServerSocket server;
    /** The one address the listener is bound to, which every connection reached; null for a wildcard. */
    private volatile InetAddress boundAddress;
    private volatile boolean stopping;
    /** The thread accepting now: each one that accepts a client becomes its session and starts the next. */
    private volatile Thread acceptor;
    /** How the next accepting thread starts; a test makes it fail. */
    volatile AcceptorStart acceptors = (name, loop) -> Thread.ofVirtual().name(name).start(loop);

    /** Starts the thread that accepts next. */
    @FunctionalInterface
    interface AcceptorStart {
        Thread start(String name, Runnable loop);
    }

    /**
     * What a server works with besides its configuration, each reduced to the one call the
     * session makes; one left null does nothing: no intake refuses every message with a queue
     * write error, no restrictions accept everything, no name lookup leaves every client
     * {@code unknown}, and no anvil gives this service its own client limits, counted in memory.
     */
    public record Collaborators(MessageIntake intake, RestrictionCheck restrictions, ClientNameLookup names,
            Anvil anvil) {
        public Collaborators {
            intake = intake != null ? intake : MessageIntake.NONE;
            restrictions = restrictions != null ? restrictions : RestrictionCheck.NONE;
            names = names != null ? names : ClientNameLookup.NONE;
        }

        /** As the composition root has them: cleanup, the service's restrictions, the shared resolver and anvil. */
        public static Collaborators of(Cleanup cleanup, SmtpdRestrictions restrictions, DnsResolver dns,
                Anvil anvil, MailLog log) {
            return new Collaborators(cleanup == null ? null : MessageIntake.of(cleanup, log),
                    restrictions == null ? null : RestrictionCheck.of(restrictions),
                    dns == null ? null : ClientNameLookup.of(dns), anvil);
        }
    }

    /**
     * @param maxproc the master.cf process limit of this service
     * @param log     the service's maillog (its syslog_name); the server logs as its smtpd program
     */
    public SmtpServer(Config config, InetSocketAddress listen, int maxproc, MailLog log, Collaborators with) {
        if (maxproc < 1) {
            throw new IllegalArgumentException("process limit must be at least 1, not " + maxproc);
        }
        SmtpdSettings settings = SmtpdSettings.from(config);
        this.listen = listen;
        this.log = log.program("smtpd");
        Anvil anvil = with.anvil() != null ? with.anvil()
                : Anvil.from(config, CounterStore.open("memory:", null), "smtp", this.log);
        this.setup = new Setup(settings, SecuritySettings.from(config, this.log), with.intake(), with.restrictions(),
                settings.peernameLookup() ? with.names() : ClientNameLookup.NONE, anvil, maxproc,
                new Semaphore(maxproc), MilterSelection.from(config));
    }

    private record Setup(SmtpdSettings settings, SecuritySettings security, MessageIntake intake,
            RestrictionCheck restrictions, ClientNameLookup names, Anvil anvil, int maxproc, Semaphore slots,
            MilterSelection milters) {
    }

    /** The address this service was configured to listen on (port 0 before binding). */
    public InetSocketAddress listenAddress() {
        return listen;
    }

    /**
     * {@code bulwark reload}: from now on, new connections get the settings of {@code fresh} (a
     * server built from the new configuration and never started); the listening socket stays
     * open, so no client finds the port closed, and sessions under way finish on the old settings.
     * Returns a test of whether those sessions have all ended, after which what they used (tables,
     * policy connections) may be released.
     */
    public java.util.function.BooleanSupplier adopt(SmtpServer fresh) {
        Setup old = setup;
        setup = fresh.setup;
        return () -> old.slots().availablePermits() == old.maxproc();
    }

    /** Binds the listening socket (port 0 picks a free port) and starts accepting. */
    public void start() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        // A burst of connections waits in the kernel's queue rather than being dropped and retried a second later.
        socket.bind(listen, 4096);
        InetAddress bound = socket.getInetAddress();
        boundAddress = bound == null || bound.isAnyLocalAddress() ? null : bound;
        server = socket;
        acceptor = Thread.ofVirtual().name("smtpd-accept-" + socket.getLocalPort()).start(this::acceptLoop);
    }

    /** The bound port. */
    public int port() {
        ServerSocket s = server;
        if (s == null) {
            throw new IllegalStateException("server not started");
        }
        return s.getLocalPort();
    }

    /**
     * Accepts until a client gets a slot; then a new thread takes over accepting and this one
     * serves the client. The client's banner then goes out from the thread that accepted it,
     * with no hand-over to another: one wake-up fewer before every 220.
     */
    private void acceptLoop() {
        while (!stopping) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!stopping) {
                    log.warning("accept failed on port " + server.getLocalPort() + ": " + e.getMessage());
                    pauseAfterAcceptFailure();
                }
                continue;
            }
            Setup current = setup;
            if (!current.slots().tryAcquire()) {
                turnAway(client, current.maxproc());
                continue;
            }
            register(client);
            Thread successor;
            try {
                successor = acceptors.start(Thread.currentThread().getName(), this::acceptLoop);
            } catch (RuntimeException | OutOfMemoryError e) {
                // Nothing would accept after this thread: it stays the acceptor, and the client
                // hears what it would at the process limit.
                unregister(client);
                current.slots().release();
                log.warning("cannot start a thread to accept on port " + server.getLocalPort() + " while serving a client: "
                        + e + "; refusing " + client.getInetAddress().getHostAddress());
                refuse(client);
                pauseAfterAcceptFailure();
                continue;
            }
            acceptor = successor;
            try {
                Thread.currentThread().setName("smtpd-" + client.getInetAddress().getHostAddress());
                session(current, client, boundAddress).run();
            } catch (RuntimeException | Error e) {
                try {
                    client.close();
                } catch (IOException ignored) {
                    // The failure being thrown is the one to report.
                }
                throw e;
            } finally {
                unregister(client);
                current.slots().release();
            }
            return;
        }
    }

    /** @param local the address the client reached, when known without asking the socket; or null */
    private SmtpSession session(Setup current, Socket client, InetAddress local) {
        return new SmtpSession(client, current.settings(), current.security(), current.names(),
                current.restrictions(), current.intake(), log, current.anvil(), current.milters(), local);
    }

    /**
     * Serves a connection postscreen passed (master.cf type {@code pass}), on the calling thread,
     * with this service's settings; the same socket, no second connection. {@code client} is who
     * the PROXY header named (null: the socket's peer), {@code pending} what the client sent before
     * its turn. Returns false, without touching the socket, when the service's process limit is
     * reached; the caller then answers the client.
     */
    public boolean serve(Socket socket, UpstreamProxy.Client client, byte[] pending) {
        Setup current = setup;
        if (stopping || !current.slots().tryAcquire()) {
            return false;
        }
        register(socket);
        try {
            session(current, socket, null).handedOver(client, pending).run();
        } finally {
            unregister(socket);
            current.slots().release();
        }
        return true;
    }

    /** Out of file descriptors, say: give running sessions a moment instead of spinning. */
    private static void pauseAfterAcceptFailure() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void turnAway(Socket client, int maxproc) {
        log.warning("service smtpd on port " + server.getLocalPort() + " has reached its process limit \""
                + maxproc + "\": refusing " + client.getInetAddress().getHostAddress());
        refuse(client);
    }

    /** 421 4.3.2 and close. */
    private static void refuse(Socket client) {
        try (client) {
            OutputStream out = client.getOutputStream();
            out.write(ReplyTexts.SERVICE_UNAVAILABLE.wire().getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            // The client is gone already.
        }
    }

    private void register(Socket client) {
        open.add(client);
    }

    private void unregister(Socket client) {
        open.remove(client);
    }

    /**
     * Reads this service's TLS keys and certificates again ({@code bulwark reload}); sessions
     * already running keep theirs. On failure the old ones stay in use and the error is returned.
     */
    public java.util.Optional<String> reloadTls() {
        SecuritySettings security = setup.security();
        if (security.tls() == null) {
            return java.util.Optional.empty();
        }
        try {
            security.tls().reload();
            return java.util.Optional.empty();
        } catch (org.bulwark.tls.TlsException | org.bulwark.config.ConfigException e) {
            return java.util.Optional.of(e.getMessage());
        }
    }

    /** The number of sessions now running. */
    public int activeSessions() {
        return open.size();
    }

    /**
     * Stops accepting, lets running sessions finish for up to {@code grace}, then closes the
     * connections still open.
     */
    public void stop(Duration grace) {
        stopping = true;
        ServerSocket s = server;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                log.warning("closing port " + s.getLocalPort() + ": " + e.getMessage());
            }
        }
        try {
            // A closed socket ends its session at once; then wait for them to log their disconnect.
            open.closeAll(grace, Duration.ofSeconds(5));
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


    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
