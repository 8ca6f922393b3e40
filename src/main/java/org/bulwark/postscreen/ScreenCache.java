package org.bulwark.postscreen;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.bulwark.config.ConfigException;
import org.bulwark.log.MailLog;
import org.bulwark.policy.GreylistStore;
import org.bulwark.policy.GreylistStores;
import org.bulwark.util.RedisConnection;

/**
 * postscreen_cache_map: each client address's test stamps. The store is the one the greylist
 * uses (short values with a time to live): a file of our own ({@code btree:/path}; Postfix's
 * Berkeley DB files are not read), memory only, or Redis ({@code redis://host:port/db}), where
 * every node of a cluster sees who passed on another. An entry lives until its last pass
 * expires plus postscreen_cache_retention_time. A store that fails costs the client its tests,
 * never a pass it did not earn.
 */
final class ScreenCache implements AutoCloseable {

    private final GreylistStore store;
    private final Duration retention;
    private final MailLog.Logger log;

    private ScreenCache(GreylistStore store, Duration retention, MailLog.Logger log) {
        this.store = store;
        this.retention = retention;
        this.log = log;
    }

    /** The cache the value names, or null for an empty value (no cache: every client is new). */
    static ScreenCache open(String value, Path dataDirectory, Duration retention, MailLog.Logger log) {
        String v = value.strip();
        if (v.isEmpty()) {
            return null;
        }
        String spec;
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.startsWith("redis://") || lower.startsWith("rediss://") || lower.equals("memory:")) {
            spec = v;
        } else if (lower.startsWith("btree:") || lower.startsWith("lmdb:") || lower.startsWith("hash:")
                || lower.startsWith("file:")) {
            spec = "file:" + v.substring(v.indexOf(':') + 1);
        } else {
            throw new ConfigException(PostscreenTexts.badCacheMap(v));
        }
        // Keys are client addresses; in Redis under a prefix of their own, beside the greylist's.
        // A Redis outage is logged when it begins and when it ends, not at every client meanwhile.
        RedisConnection.Outages outages = new RedisConnection.Outages() {
            public void began(String address, String why) {
                log.warning(PostscreenTexts.cacheUnreachable(address, why));
            }

            public void ended(String address) {
                log.info(PostscreenTexts.cacheBack(address));
            }
        };
        return new ScreenCache(GreylistStores.acquire(spec, dataDirectory, "bulwark:postscreen:", outages), retention, log);
    }

    TestStamps lookup(String client) {
        try {
            return store.get(client).map(TestStamps::parse).orElse(null);
        } catch (RedisConnection.Unavailable e) {
            return null;
        } catch (RuntimeException e) {
            log.warning(PostscreenTexts.cacheFailed("lookup", e.getMessage()));
            return null;
        }
    }

    void update(String client, TestStamps stamps, long now) {
        Duration live = Duration.ofSeconds(Math.max(0, stamps.latest() - now)).plus(retention);
        try {
            store.put(client, stamps.toString(), live);
        } catch (RedisConnection.Unavailable e) {
            // Told once, when the outage began.
        } catch (RuntimeException e) {
            log.warning(PostscreenTexts.cacheFailed("update", e.getMessage()));
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
