package org.bulwark.util;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * One lazily opened connection to a Redis server, shared by a node's threads. While Redis is
 * unreachable, {@link #call} fails at once with {@link Unavailable} instead of waiting for a
 * timeout, and tries to connect again at most once per {@link #RETRY} interval, so callers can
 * fall back to their default answer quickly and pick up a Redis that came back without a restart.
 * The {@link Outages} it is given hears once when Redis goes away and once when it answers again,
 * so a caller logs one line per outage, not one per request.
 */
public final class RedisConnection implements AutoCloseable {

    /** Told of reachability changes: once when an outage begins, once when it ends. */
    public interface Outages {
        /** @param address host:port/db, no password */
        void began(String address, String why);

        void ended(String address);

        /** For users that report nothing. */
        Outages SILENT = new Outages() {
            public void began(String address, String why) {
            }

            public void ended(String address) {
            }
        };
    }

    /** Redis could not be asked; the outage was reported once already, so callers need not log it. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** How long an unreachable Redis is not asked again: requests meanwhile fail at once. */
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final RedisClient client;
    private final String address;
    private final Outages outages;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean down = new AtomicBoolean();
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile long retryAt;
    private volatile String why = "not connected";

    /** @param uri a Redis URI such as {@code redis://127.0.0.1:6379/0} */
    public RedisConnection(String uri, Outages outages) {
        RedisURI redis = RedisURI.create(uri);
        redis.setTimeout(TIMEOUT);
        address = redis.getHost() + ":" + redis.getPort() + "/" + redis.getDatabase();
        this.outages = outages;
        retryAt = System.nanoTime();
        client = RedisClient.create(redis);
        // Reconnecting is ours (at most once per RETRY, on demand): Lettuce's own watchdog would
        // back off up to 30 s and keep a dead connection object that a new one could not replace.
        client.setOptions(ClientOptions.builder()
                .autoReconnect(false)
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
    }

    /** host:port/db, without a password, for log lines. */
    public String address() {
        return address;
    }

    /**
     * Runs {@code command} on the connection, opening it first when needed.
     *
     * @throws Unavailable when Redis cannot be reached or did not answer in time
     * @throws RedisCommandExecutionException when Redis answered with an error
     */
    public <T> T call(Function<RedisCommands<String, String>, T> command) {
        StatefulRedisConnection<String, String> c = open();
        try {
            T result = command.apply(c.sync());
            if (down.compareAndSet(true, false)) {
                outages.ended(address);
            }
            return result;
        } catch (RedisCommandExecutionException e) {
            throw e; // Redis is there; it refused this command
        } catch (RedisException e) {
            throw failed(c, e);
        }
    }

    private StatefulRedisConnection<String, String> open() {
        StatefulRedisConnection<String, String> c = connection;
        if (c != null && c.isOpen()) {
            return c;
        }
        lock.lock();
        try {
            c = connection;
            if (c != null && c.isOpen()) {
                return c;
            }
            if (System.nanoTime() - retryAt < 0) {
                throw new Unavailable(address + ": " + why);
            }
            if (c != null) {
                c.closeAsync();
                connection = null;
            }
            try {
                connection = client.connect();
                return connection;
            } catch (RedisException e) {
                throw failed(null, e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Notes an outage (reported once), drops a connection that failed, and says so to the caller. */
    private Unavailable failed(StatefulRedisConnection<String, String> c, RedisException e) {
        String reason = reason(e);
        why = reason;
        retryAt = System.nanoTime() + RETRY.toNanos();
        if (c != null) {
            lock.lock();
            try {
                if (connection == c) {
                    // A timeout leaves the socket open on a server that does not answer: start afresh.
                    connection = null;
                    c.closeAsync();
                }
            } finally {
                lock.unlock();
            }
        }
        if (down.compareAndSet(false, true)) {
            outages.began(address, reason);
        }
        return new Unavailable(address + ": " + reason);
    }

    private static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        return message.replaceAll("\\s+", " ").strip();
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (connection != null) {
                connection.close();
                connection = null;
            }
        } finally {
            lock.unlock();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
