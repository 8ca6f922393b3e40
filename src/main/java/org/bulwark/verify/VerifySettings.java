package org.bulwark.verify;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;

/**
 * verify(8)'s parameters: where the cache is, how long answers live and when they are refreshed,
 * how smtpd waits for a probe, and the probe's sender.
 *
 * @param store           the store spec for {@code policy.GreylistStores}: {@code memory:}, a file path or a Redis URI
 * @param pollCount       {@code address_verify_poll_count}: queries smtpd makes before it answers "in progress"
 * @param pollDelay       {@code address_verify_poll_delay}: the time between those queries
 * @param pendingLimit    {@code address_verify_pending_request_limit}: probes out at once
 */
record VerifySettings(String store, String dataDirectory, Duration positiveExpire, Duration positiveRefresh,
        boolean negativeCache, Duration negativeExpire, Duration negativeRefresh, int pollCount, Duration pollDelay,
        int pendingLimit, String sender, Duration senderTtl, String myorigin, String mapName,
        Duration cleanupInterval) {

    /** Postfix's writable map types; Bulwark keeps a file of its own under the same path. */
    private static final Set<String> FILE_TYPES = Set.of("btree", "hash", "lmdb", "sdbm", "dbm", "cdb", "file");

    static VerifySettings from(Config config) {
        String sender = config.get("address_verify_sender").strip();
        if (sender.startsWith("@")) {
            throw located(config, "address_verify_sender",
                    new ConfigException(VerifyTexts.badSender(sender, "must not start with '@'")));
        }
        if (sender.length() > 1 && sender.endsWith("@")) {
            throw located(config, "address_verify_sender",
                    new ConfigException(VerifyTexts.badSender(sender, "must not end with '@'")));
        }
        return new VerifySettings(store(config), config.get("data_directory").strip(),
                config.time("address_verify_positive_expire_time"),
                config.time("address_verify_positive_refresh_time"),
                config.bool("address_verify_negative_cache"),
                config.time("address_verify_negative_expire_time"),
                config.time("address_verify_negative_refresh_time"),
                Math.max(1, config.integer("address_verify_poll_count")),
                config.time("address_verify_poll_delay"),
                config.integer("address_verify_pending_request_limit"),
                sender, config.time("address_verify_sender_ttl"), config.get("myorigin").strip(),
                config.get("address_verify_map").strip(), config.time("address_verify_cache_cleanup_interval"));
    }

    /**
     * {@code address_verify_map}: empty is Postfix's {@code internal:} map (memory only); a Redis URI
     * is shared by every node that names it; a file map type keeps the cache in that file.
     */
    private static String store(Config config) {
        String value = config.get("address_verify_map").strip();
        if (value.isEmpty() || value.startsWith("internal:")) {
            return "memory:";
        }
        if (value.startsWith("redis://") || value.startsWith("rediss://")) {
            return value;
        }
        int colon = value.indexOf(':');
        if (colon < 0 && value.startsWith("/")) {
            return value;
        }
        if (colon > 0 && FILE_TYPES.contains(value.substring(0, colon).toLowerCase(Locale.ROOT))
                && value.length() > colon + 1) {
            return value.substring(colon + 1);
        }
        throw located(config, "address_verify_map", new ConfigException(VerifyTexts.badMap(value)));
    }

    private static ConfigException located(Config config, String parameter, ConfigException e) {
        return config.whereSet(parameter).map(where -> new ConfigException(where + ": " + e.getMessage())).orElse(e);
    }
}
