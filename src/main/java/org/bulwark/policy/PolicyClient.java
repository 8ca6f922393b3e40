package org.bulwark.policy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Asks one external policy server (inet or UNIX socket). Connections are kept for reuse, as
 * Postfix's smtpd keeps its policy connection, until they have been idle for max_idle, are
 * older than max_ttl or have served request_limit requests; each exchange (connect, request,
 * answer) has {@code timeout}, after which the connection is closed. A failed exchange is tried
 * again up to try_limit times on a fresh connection. Safe for use by many SMTP sessions at once:
 * each takes its own connection.
 */
public final class PolicyClient implements AutoCloseable {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "policy-timeouts");
        t.setDaemon(true);
        return t;
    });

    private final PolicyEndpoint endpoint;
    private final PolicyOptions options;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<Connection> idle = new ArrayDeque<>();
    private boolean closed;

    public PolicyClient(PolicyEndpoint endpoint, PolicyOptions options) {
        if (endpoint instanceof PolicyEndpoint.Builtin) {
            throw new IllegalArgumentException("a built-in policy needs no client: " + endpoint.spec());
        }
        this.endpoint = endpoint;
        this.options = options;
    }

    public PolicyOptions options() {
        return options;
    }

    public PolicyEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Sends the request and returns the server's action.
     *
     * @throws PolicyException when no try succeeded; the message says why, for the warning line
     */
    public String query(Map<String, String> request) throws PolicyException {
        byte[] wire = PolicyProtocol.encode(request);
        String failure = null;
        for (int attempt = 1; attempt <= Math.max(1, options.tryLimit()); attempt++) {
            if (attempt > 1) {
                pause();
            }
            Connection connection = null;
            try {
                connection = take();
                String action = connection.exchange(wire, options.timeout().toMillis());
                give(connection);
                return action;
            } catch (IOException e) {
                if (connection != null) {
                    connection.close();
                }
                failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
        }
        throw new PolicyException(PolicyTexts.serverFailed(endpoint.spec(), failure));
    }

    private void pause() {
        try {
            Thread.sleep(options.retryDelay());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Connection take() throws IOException {
        long now = System.nanoTime();
        lock.lock();
        try {
            while (!idle.isEmpty()) {
                Connection c = idle.pollLast();
                if (c.usable(now)) {
                    return c;
                }
                c.close();
            }
        } finally {
            lock.unlock();
        }
        return open();
    }

    private void give(Connection connection) {
        lock.lock();
        try {
            if (!closed && connection.usable(System.nanoTime())) {
                idle.addLast(connection);
                return;
            }
        } finally {
            lock.unlock();
        }
        connection.close();
    }

    private Connection open() throws IOException {
        long timeout = options.timeout().toMillis();
        switch (endpoint) {
            case PolicyEndpoint.Inet inet -> {
                Socket socket = new Socket();
                try {
                    socket.connect(new InetSocketAddress(inet.host(), inet.port()), (int) Math.min(timeout, Integer.MAX_VALUE));
                    socket.setSoTimeout((int) Math.min(timeout, Integer.MAX_VALUE));
                    return new Connection(socket, new BufferedInputStream(socket.getInputStream()),
                            socket.getOutputStream(), System.nanoTime());
                } catch (IOException e) {
                    socket.close();
                    throw e;
                }
            }
            case PolicyEndpoint.Unix unix -> {
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    channel.connect(UnixDomainSocketAddress.of(unix.path()));
                    return new Connection(channel, new BufferedInputStream(Channels.newInputStream(channel)),
                            Channels.newOutputStream(channel), System.nanoTime());
                } catch (IOException e) {
                    channel.close();
                    throw e;
                }
            }
            case PolicyEndpoint.Builtin builtin -> throw new IOException("not a socket: " + builtin.spec());
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            idle.forEach(Connection::close);
            idle.clear();
        } finally {
            lock.unlock();
        }
    }

    /** One open connection to the server and its bookkeeping for reuse. */
    private final class Connection {
        private final AutoCloseable resource;
        private final InputStream in;
        private final OutputStream out;
        private final long opened;
        private long lastUsed;
        private int requests;

        Connection(AutoCloseable resource, InputStream in, OutputStream out, long opened) {
            this.resource = resource;
            this.in = in;
            this.out = out;
            this.opened = opened;
            this.lastUsed = opened;
        }

        boolean usable(long now) {
            return now - lastUsed < options.maxIdle().toNanos() && now - opened < options.maxTtl().toNanos()
                    && (options.requestLimit() <= 0 || requests < options.requestLimit());
        }

        /**
         * One request and its answer. A UNIX socket channel has no read time limit of its own,
         * so a watchdog closes the connection when the exchange overruns.
         */
        String exchange(byte[] request, long timeoutMillis) throws IOException {
            java.util.concurrent.atomic.AtomicBoolean expired = new java.util.concurrent.atomic.AtomicBoolean();
            ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
                expired.set(true);
                close();
            }, timeoutMillis, TimeUnit.MILLISECONDS);
            try {
                out.write(request);
                out.flush();
                Map<String, String> answer = PolicyProtocol.read(in);
                if (answer == null) {
                    throw new IOException(PolicyTexts.closedByServer());
                }
                String action = answer.get("action");
                if (action == null) {
                    throw new IOException(PolicyTexts.noAction());
                }
                requests++;
                lastUsed = System.nanoTime();
                return action.strip();
            } catch (IOException e) {
                if (expired.get() || e instanceof java.net.SocketTimeoutException) {
                    throw new IOException(PolicyTexts.timedOut(), e);
                }
                throw e;
            } finally {
                watchdog.cancel(false);
            }
        }

        void close() {
            try {
                resource.close();
            } catch (Exception e) {
                // Closing is all we wanted.
            }
        }
    }
}
