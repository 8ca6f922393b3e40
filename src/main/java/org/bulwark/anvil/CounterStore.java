package org.bulwark.anvil;

import java.time.Duration;
import org.bulwark.log.MailLog;

/**
 * Where anvil's counters live. Implementations are safe for concurrent use; a failing one throws a
 * RuntimeException.
 */
public interface CounterStore extends AutoCloseable {

    /**
     * Counts one event under {@code key} and returns the events counted in the current window,
     * this one included. A window starts with its first event and lasts {@code unit}, as in
     * Postfix's anvil.
     */
    long countEvent(String key, Duration unit);

    /** One more open connection under {@code key}; returns how many are open now. */
    long connect(String key);

    /** One connection under {@code key} closed. */
    void disconnect(String key);

    @Override
    void close();

    /**
     * {@code redis://host:port/db} for Redis; anything else (empty, {@code memory:}) for memory.
     *
     * @param log where a Redis store says, once each, that Redis became unreachable and that it is
     *     back; null for silence
     */
    static CounterStore open(String spec, MailLog.Logger log) {
        String s = spec.strip();
        if (s.startsWith("redis://") || s.startsWith("rediss://")) {
            return new RedisCounterStore(s, log);
        }
        return new MemoryCounterStore();
    }
}
