package org.bulwark.anvil;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counters in Redis, shared by every node that uses the same database. A rate window is a key
 * created with its time to live ({@code SET NX PX}) and then incremented, so the window starts
 * with its first event on any node. Connection counts expire after a day without a connection,
 * so a node that dies with connections open does not block a client forever.
 */
final class RedisCounterStore implements CounterStore {

    private static final String PREFIX = "bulwark:anvil:";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration OPEN_LIFETIME = Duration.ofDays(1);

    private final RedisClient client;
    private final ReentrantLock lock = new ReentrantLock();
    private StatefulRedisConnection<String, String> connection;

    RedisCounterStore(String uri) {
        RedisURI redis = RedisURI.create(uri);
        redis.setTimeout(TIMEOUT);
        client = RedisClient.create(redis);
        // Fail at once while Redis is away instead of queueing commands until they time out.
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
    }

    private RedisCommands<String, String> redis() {
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
    public long countEvent(String key, Duration unit) {
        RedisCommands<String, String> redis = redis();
        String k = PREFIX + "rate:" + key;
        redis.set(k, "0", SetArgs.Builder.nx().px(Math.max(1, unit.toMillis())));
        return redis.incr(k);
    }

    @Override
    public long connect(String key) {
        RedisCommands<String, String> redis = redis();
        String k = PREFIX + "open:" + key;
        long n = redis.incr(k);
        redis.pexpire(k, OPEN_LIFETIME.toMillis());
        return n;
    }

    @Override
    public void disconnect(String key) {
        RedisCommands<String, String> redis = redis();
        String k = PREFIX + "open:" + key;
        if (redis.decr(k) < 0) {
            redis.del(k);
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
