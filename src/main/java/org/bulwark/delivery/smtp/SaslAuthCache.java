package org.bulwark.delivery.smtp;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.log.MailLog;
import org.bulwark.mail.SmtpReply;
import org.bulwark.policy.GreylistStore;
import org.bulwark.policy.GreylistStores;

/**
 * {@code smtp_sasl_auth_cache_name} (and lmtp_): Postfix's smtp_sasl_auth_cache.c, the memory of
 * 535 replies to AUTH, so that a wrong password is not tried again and again on the same server.
 * The key is {@code host;username}; the value, as Postfix writes it, {@code time;hash;dsn;reply},
 * the hash the base64 SHA-1 of the password, so that a changed password is tried at once. An
 * entry older than {@code smtp_sasl_auth_cache_time}, or for another password, is dropped when
 * found. Postfix keeps the table in a {@code proxy:btree:} (or hash, lmdb) file; Bulwark keeps it
 * under the same path in its own file format (the embedded store of {@code policy}), one writer per
 * process however many transports name it.
 */
final class SaslAuthCache implements AutoCloseable {

    /** Postfix's writable map types; the file is Bulwark's own under the same path. */
    private static final Set<String> FILE_TYPES = Set.of("btree", "hash", "lmdb", "sdbm", "dbm", "cdb");
    private static final Pattern DSN = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");
    private static final Duration GONE = Duration.ofMillis(1);

    /** What the server said when it last refused this login. */
    record Refusal(String dsn, String reply) {
    }

    private final GreylistStore store;
    private final Duration ttl;
    private final Clock clock;

    private SaslAuthCache(GreylistStore store, Duration ttl, Clock clock) {
        this.store = store;
        this.ttl = ttl;
        this.clock = clock;
    }

    /**
     * The cache {@code p + "sasl_auth_cache_name"} names, or null when it is empty.
     *
     * @throws ConfigException for a name Bulwark cannot keep (not a single file map), with its main.cf line
     */
    static SaslAuthCache of(Config config, String p, MailLog.Logger log) {
        String name = config.get(p + "sasl_auth_cache_name").strip();
        if (name.isEmpty()) {
            return null;
        }
        if (name.split("[,\\s]+").length > 1) {
            throw new ConfigException(SmtpTexts.authCacheMultipleValues(p, name)).locatedIn(config);
        }
        String map = name.startsWith("proxy:") ? name.substring("proxy:".length()) : name;
        int colon = map.indexOf(':');
        if (colon <= 0 || !FILE_TYPES.contains(map.substring(0, colon).toLowerCase(Locale.ROOT))
                || map.length() == colon + 1) {
            throw new ConfigException(SmtpTexts.badAuthCacheName(p, name)).locatedIn(config);
        }
        Path dataDirectory = Path.of(config.get("data_directory").strip());
        return new SaslAuthCache(GreylistStores.acquire(map.substring(colon + 1), dataDirectory, log),
                config.time(p + "sasl_auth_cache_time"), Clock.systemUTC());
    }

    /** The refusal remembered for this server and login, if it is fresh and for this password. */
    Optional<Refusal> find(String host, String username, String password) {
        String key = key(host, username);
        Optional<String> raw = store.get(key);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        String[] f = raw.get().split(";", 4);
        long now = clock.instant().getEpochSecond();
        boolean valid = f.length == 4 && f[0].matches("\\d{1,18}") && DSN.matcher(f[2]).matches()
                && Long.parseLong(f[0]) + ttl.toSeconds() >= now && f[1].equals(hash(password));
        if (!valid) {
            // Expired, for an older password, or unreadable: forgotten, as Postfix deletes it.
            store.put(key, "", GONE);
            return Optional.empty();
        }
        return Optional.of(new Refusal(f[2], f[3]));
    }

    /** Remembers a 535 reply to this login (the only reply Postfix caches). */
    void remember(String host, String username, String password, SmtpReply reply) {
        String value = clock.instant().getEpochSecond() + ";" + hash(password) + ";" + SmtpConnection.dsn(reply)
                + ";" + oneLine(reply.toString());
        store.put(key(host, username), value, ttl);
    }

    private static String key(String host, String username) {
        return oneLine(host.toLowerCase(Locale.ROOT) + ";" + username);
    }

    /** The store's lines are tab-separated: a reply or name with a tab or line end is flattened. */
    private static String oneLine(String s) {
        return s.replaceAll("[\\t\\r\\n]+", " ");
    }

    private static String hash(String password) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(password.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
