package org.bulwark.policy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.bulwark.log.MailLog;
import org.bulwark.util.RedisConnection;

/**
 * One store per {@code greylist_database} in a process, so that every smtpd service (and every
 * restriction list) of a node sees the same greylist and a file has one writer. Each user gets
 * a handle; the store is closed when the last handle is.
 */
public final class GreylistStores {

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Map<String, Shared> OPEN = new HashMap<>();

    private static final class Shared {
        final GreylistStore store;
        int users;

        Shared(GreylistStore store) {
            this.store = store;
        }
    }

    private GreylistStores() {
    }

    /**
     * A handle on the store {@code spec} names; close it when done. The first user's {@code log}
     * hears of Redis outages, once per outage for the whole process.
     */
    public static GreylistStore acquire(String spec, Path relativeTo, MailLog.Logger log) {
        return acquire(spec, relativeTo, "bulwark:greylist:", log);
    }

    /**
     * A handle on a store of the same kinds for other short-lived state (the address verification
     * cache): its Redis keys start with {@code redisPrefix}, and a file is its own.
     */
    public static GreylistStore acquire(String spec, Path relativeTo, String redisPrefix, MailLog.Logger log) {
        return acquire(spec, relativeTo, redisPrefix, RedisGreylistStore.greylistOutages(log));
    }

    /**
     * As {@link #acquire(String, Path, String, MailLog.Logger)}, with the user's own lines for the
     * beginning and end of a Redis outage (those of the store's first user).
     */
    public static GreylistStore acquire(String spec, Path relativeTo, String redisPrefix,
            RedisConnection.Outages outages) {
        String s = spec.strip();
        if (s.equals("memory:")) {
            return GreylistStore.open(s, relativeTo, redisPrefix, outages);
        }
        String key = s.startsWith("redis") ? redisPrefix + s
                : relativeTo.resolve(s.startsWith("file:") ? s.substring(5) : s).toAbsolutePath().normalize().toString();
        LOCK.lock();
        try {
            Shared shared = OPEN.get(key);
            if (shared == null) {
                shared = new Shared(GreylistStore.open(s, relativeTo, redisPrefix, outages));
                OPEN.put(key, shared);
            }
            shared.users++;
            return new Handle(key, shared.store);
        } finally {
            LOCK.unlock();
        }
    }

    private static void release(String key) {
        LOCK.lock();
        try {
            Shared shared = OPEN.get(key);
            if (shared != null && --shared.users == 0) {
                OPEN.remove(key);
                shared.store.close();
            }
        } finally {
            LOCK.unlock();
        }
    }

    /** One user's view of a shared store. */
    private static final class Handle implements GreylistStore {
        private final String key;
        private final GreylistStore store;
        private boolean closed;

        Handle(String key, GreylistStore store) {
            this.key = key;
            this.store = store;
        }

        @Override
        public Optional<String> get(String k) {
            return store.get(k);
        }

        @Override
        public void put(String k, String value, Duration timeToLive) {
            store.put(k, value, timeToLive);
        }

        @Override
        public int[] cleanup() {
            return store.cleanup();
        }

        @Override
        public void close() {
            LOCK.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
            } finally {
                LOCK.unlock();
            }
            release(key);
        }
    }
}
