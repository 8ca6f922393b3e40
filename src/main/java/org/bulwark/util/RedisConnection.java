package org.bulwark.util;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lazily opened connection to a Redis server, shared by a node's threads and reopened after
 * Redis went away. While Redis is down, commands fail at once instead of queueing until a timeout,
 * so callers can fall back to their default answer quickly.
 */
public final class RedisConnection implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final RedisClient client;
    private final ReentrantLock lock = new ReentrantLock();
    private StatefulRedisConnection<String, String> connection;

    /** @param uri a Redis URI such as {@code redis://127.0.0.1:6379/0} */
    public RedisConnection(String uri) {
        RedisURI redis = RedisURI.create(uri);
        redis.setTimeout(TIMEOUT);
        client = RedisClient.create(redis);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
    }

    /** Synchronous commands on the open connection, opening it first when needed. */
    public RedisCommands<String, String> commands() {
        lock.lock();
        try {
            if (connection == null || !connection.isOpen()) {
                connection = client.connect();
            }
            return connection.sync();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (connection != null) {
                connection.close();
            }
        } finally {
            lock.unlock();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
