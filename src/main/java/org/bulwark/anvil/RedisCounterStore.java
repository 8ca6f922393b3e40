package org.bulwark.anvil;

import io.lettuce.core.SetArgs;
import java.time.Duration;
import org.bulwark.log.MailLog;
import org.bulwark.util.RedisConnection;

/**
 * Counters in Redis, shared by every node that uses the same database. A rate window is a key
 * created with its time to live ({@code SET NX PX}) and then incremented, so the window starts
 * with its first event on any node. Connection counts expire after a day without a connection,
 * so a node that dies with connections open does not block a client forever. While Redis is
 * unreachable every call throws {@link RedisConnection.Unavailable} and the outage is logged
 * once, when it begins, and once more when it ends.
 */
final class RedisCounterStore implements CounterStore {

    private static final String PREFIX = "bulwark:anvil:";
    private static final Duration OPEN_LIFETIME = Duration.ofDays(1);

    private final RedisConnection redis;

    RedisCounterStore(String uri, MailLog.Logger log) {
        redis = new RedisConnection(uri, log == null ? RedisConnection.Outages.SILENT : new RedisConnection.Outages() {
            public void began(String address, String why) {
                log.warning(AnvilTexts.redisUnreachable(address, why));
            }

            public void ended(String address) {
                log.info(AnvilTexts.redisBack(address));
            }
        });
    }

    @Override
    public long countEvent(String key, Duration unit) {
        String k = PREFIX + "rate:" + key;
        return redis.call(commands -> {
            commands.set(k, "0", SetArgs.Builder.nx().px(Math.max(1, unit.toMillis())));
            return commands.incr(k);
        });
    }

    @Override
    public long connect(String key) {
        String k = PREFIX + "open:" + key;
        return redis.call(commands -> {
            long n = commands.incr(k);
            commands.pexpire(k, OPEN_LIFETIME.toMillis());
            return n;
        });
    }

    @Override
    public void disconnect(String key) {
        String k = PREFIX + "open:" + key;
        redis.call(commands -> commands.decr(k) < 0 ? commands.del(k) : 0L);
    }

    @Override
    public void close() {
        redis.close();
    }
}
