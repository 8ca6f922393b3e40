package org.bulwark.policy;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Greylist state in Redis, so that several nodes greylist as one. Keys carry a prefix and expire
 * by Redis's own TTL. The connection is made on first use and again after a failure, so a Redis
 * that starts late or restarts costs temporary refusals, not a restart of ours.
 */
final class RedisGreylistStore implements GreylistStore {

    private static final String PREFIX = "bulwark:greylist:";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final RedisClient client;
    private final ReentrantLock lock = new ReentrantLock();
    private StatefulRedisConnection<String, String> connection;

    RedisGreylistStore(String uri) {
        RedisURI redis = RedisURI.create(uri);
        redis.setTimeout(TIMEOUT);
        client = RedisClient.create(redis);
        // Fail at once while Redis is away instead of queueing commands until they time out.
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
    }

    private StatefulRedisConnection<String, String> connection() {
        lock.lock();
        try {
            if (connection == null || !connection.isOpen()) {
                connection = client.connect();
            }
            return connection;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(connection().sync().get(PREFIX + key));
    }

    @Override
    public void put(String key, String value, Duration timeToLive) {
        connection().sync().set(PREFIX + key, value, SetArgs.Builder.px(Math.max(1, timeToLive.toMillis())));
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
