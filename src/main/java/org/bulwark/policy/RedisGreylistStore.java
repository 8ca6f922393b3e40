package org.bulwark.policy;

import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.Optional;
import org.bulwark.log.MailLog;
import org.bulwark.util.RedisConnection;

/**
 * Greylist state in Redis, so that several nodes greylist as one. Keys carry a prefix and expire
 * by Redis's own TTL. The connection is made on first use and again after a failure, so a Redis
 * that starts late or restarts costs temporary refusals, not a restart of ours. While Redis is
 * unreachable every call throws {@link RedisConnection.Unavailable}; the outage is logged once
 * when it begins and once when it ends.
 */
final class RedisGreylistStore implements GreylistStore {

    static final String PREFIX = "bulwark:greylist:";

    private final RedisConnection redis;
    private final String prefix;

    RedisGreylistStore(String uri, String prefix, RedisConnection.Outages outages) {
        this.prefix = prefix;
        redis = new RedisConnection(uri, outages);
    }

    /** The greylist's own lines for an outage of its Redis. */
    static RedisConnection.Outages greylistOutages(MailLog.Logger log) {
        return log == null ? RedisConnection.Outages.SILENT : new RedisConnection.Outages() {
            public void began(String address, String why) {
                log.warning(PolicyTexts.redisUnreachable(address, why));
            }

            public void ended(String address) {
                log.info(PolicyTexts.redisBack(address));
            }
        };
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(redis.call(commands -> commands.get(prefix + key)));
    }

    @Override
    public void put(String key, String value, Duration timeToLive) {
        redis.call(commands -> commands.set(prefix + key, value, SetArgs.Builder.px(Math.max(1, timeToLive.toMillis()))));
    }

    @Override
    public void close() {
        redis.close();
    }
}
