package org.bulwark.policy;

import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.Optional;
import org.bulwark.util.RedisConnection;

/**
 * Greylist state in Redis, so that several nodes greylist as one. Keys carry a prefix and expire
 * by Redis's own TTL. The connection is made on first use and again after a failure, so a Redis
 * that starts late or restarts costs temporary refusals, not a restart of ours.
 */
final class RedisGreylistStore implements GreylistStore {

    static final String PREFIX = "bulwark:greylist:";

    private final RedisConnection redis;
    private final String prefix;

    RedisGreylistStore(String uri, String prefix) {
        redis = new RedisConnection(uri);
        this.prefix = prefix;
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(redis.commands().get(prefix + key));
    }

    @Override
    public void put(String key, String value, Duration timeToLive) {
        redis.commands().set(prefix + key, value, SetArgs.Builder.px(Math.max(1, timeToLive.toMillis())));
    }

    @Override
    public void close() {
        redis.close();
    }
}
