package org.bulwark.anvil;

import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import org.bulwark.util.RedisConnection;

/**
 * Counters in Redis, shared by every node that uses the same database. A rate window is a key
 * created with its time to live ({@code SET NX PX}) and then incremented, so the window starts
 * with its first event on any node. Connection counts expire after a day without a connection,
 * so a node that dies with connections open does not block a client forever.
 */
final class RedisCounterStore implements CounterStore {

    private static final String PREFIX = "bulwark:anvil:";
    private static final Duration OPEN_LIFETIME = Duration.ofDays(1);

    private final RedisConnection redis;

    RedisCounterStore(String uri) {
        redis = new RedisConnection(uri);
    }

    @Override
    public long countEvent(String key, Duration unit) {
        RedisCommands<String, String> commands = redis.commands();
        String k = PREFIX + "rate:" + key;
        commands.set(k, "0", SetArgs.Builder.nx().px(Math.max(1, unit.toMillis())));
        return commands.incr(k);
    }

    @Override
    public long connect(String key) {
        RedisCommands<String, String> commands = redis.commands();
        String k = PREFIX + "open:" + key;
        long n = commands.incr(k);
        commands.pexpire(k, OPEN_LIFETIME.toMillis());
        return n;
    }

    @Override
    public void disconnect(String key) {
        RedisCommands<String, String> commands = redis.commands();
        String k = PREFIX + "open:" + key;
        if (commands.decr(k) < 0) {
            commands.del(k);
        }
    }

    @Override
    public void close() {
        redis.close();
    }
}
