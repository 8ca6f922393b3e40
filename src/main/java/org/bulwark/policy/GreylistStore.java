package org.bulwark.policy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.bulwark.log.MailLog;
import org.bulwark.util.RedisConnection;

/**
 * Where greylist state lives: short text values under text keys, each with a time to live.
 * Implementations are safe for concurrent use; a failing one throws a RuntimeException, which the
 * greylist turns into a temporary refusal.
 */
public interface GreylistStore extends AutoCloseable {

    Optional<String> get(String key);

    void put(String key, String value, Duration timeToLive);

    @Override
    void close();

    /**
     * Drops expired entries and returns how many entries were kept and dropped (the file store
     * also rewrites its file without them); a store whose entries expire by themselves (Redis)
     * has nothing to do and returns null.
     */
    default int[] cleanup() {
        return null;
    }

    /**
     * The store a {@code greylist_database} value names: {@code redis://host:port/db} (shared by
     * several nodes), {@code memory:} (lost at restart), or a file path, optionally written
     * {@code file:/path} (memory, with a file that survives restarts).
     *
     * @param log where a Redis store says, once each, that Redis became unreachable and that it is
     *     back; null for silence
     */
    static GreylistStore open(String spec, Path relativeTo, MailLog.Logger log) {
        return open(spec, relativeTo, RedisGreylistStore.PREFIX, log);
    }

    /** As {@link #open(String, Path, MailLog.Logger)}, with Redis keys under {@code redisPrefix} (another user's state). */
    static GreylistStore open(String spec, Path relativeTo, String redisPrefix, MailLog.Logger log) {
        return open(spec, relativeTo, redisPrefix, RedisGreylistStore.greylistOutages(log));
    }

    /** As {@link #open(String, Path, String, MailLog.Logger)}, with another user's lines for a Redis outage. */
    static GreylistStore open(String spec, Path relativeTo, String redisPrefix, RedisConnection.Outages outages) {
        String s = spec.strip();
        if (s.startsWith("redis://") || s.startsWith("rediss://")) {
            return new RedisGreylistStore(s, redisPrefix, outages);
        }
        if (s.equals("memory:")) {
            return new FileGreylistStore(null);
        }
        String file = s.startsWith("file:") ? s.substring("file:".length()) : s;
        return new FileGreylistStore(relativeTo.resolve(file));
    }
}
