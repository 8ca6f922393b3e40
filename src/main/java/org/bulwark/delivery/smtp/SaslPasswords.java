package org.bulwark.delivery.smtp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bulwark.config.Config;
import org.bulwark.config.SecretFiles;
import org.bulwark.mail.MailAddress;
import org.bulwark.table.LookupTable;
import org.bulwark.table.LookupTables;

/**
 * {@code smtp_sasl_password_maps}: the login the SMTP client gives a server, found as Postfix's
 * smtp_sasl_glue.c finds it: with {@code smtp_sender_dependent_authentication} the sender address
 * and then its {@code @domain}; then the server's host name; then the nexthop as the transport or
 * relayhost writes it ({@code [smtp.example.com]:587}). Each key is asked of every table before the
 * next key. Nothing found: the client does not authenticate. The files are secrets: one that
 * others may read is refused at start.
 */
final class SaslPasswords {

    /** A username and password; {@link #toString} keeps the password out of any log line. */
    record Credentials(String username, String password) {
        @Override
        public String toString() {
            return "Credentials[" + username + "]";
        }
    }

    /** Table types read from a file of their own (the others hold no secret on disk). */
    private static final List<String> FILE_TYPES = List.of("texthash", "hash", "btree", "lmdb", "dbm", "cdb", "sdbm",
            "cidr", "pcre", "regexp");

    private final List<LookupTable> tables;
    private final boolean senderDependent;
    private final String delimiter;

    SaslPasswords(List<LookupTable> tables, boolean senderDependent, String delimiter) {
        this.tables = List.copyOf(tables);
        this.senderDependent = senderDependent;
        this.delimiter = delimiter.isEmpty() ? ":" : delimiter.substring(0, 1);
    }

    /** Opens the tables, refusing a file others may read ({@code SecretFiles}). */
    static SaslPasswords of(Config config) {
        return of(config, "smtp_");
    }

    /** @param p the parameters' prefix, {@code smtp_} or {@code lmtp_} */
    static SaslPasswords of(Config config, String p) {
        List<LookupTable> tables = new ArrayList<>();
        String maps = p + "sasl_password_maps";
        for (String spec : config.list(maps)) {
            secretFile(spec, config.configDirectory()).ifPresent(f -> SecretFiles.requirePrivate(maps, f));
            tables.add(LookupTables.open(spec, config.configDirectory()));
        }
        return new SaslPasswords(tables, config.bool(p + "sender_dependent_authentication"),
                config.get(p + "sasl_password_result_delimiter"));
    }

    boolean isEmpty() {
        return tables.isEmpty();
    }

    boolean senderDependent() {
        return senderDependent;
    }

    /**
     * @param sender  the envelope sender (the null sender is never looked up)
     * @param host    the server's host name (an MX host, or the nexthop's host)
     * @param nexthop the nexthop as written: {@code example.com}, {@code [host]:port}
     */
    Optional<Credentials> find(MailAddress sender, String host, String nexthop) {
        for (String key : keys(sender, host, nexthop)) {
            for (LookupTable table : tables) {
                Optional<String> value = table.find(key);
                if (value.isPresent()) {
                    return Optional.of(split(value.get()));
                }
            }
        }
        return Optional.empty();
    }

    /** The keys in Postfix's order. */
    List<String> keys(MailAddress sender, String host, String nexthop) {
        List<String> keys = new ArrayList<>();
        if (senderDependent && sender != null && !sender.isNullSender()) {
            if (sender.isQualified()) {
                keys.add(sender.localPart() + "@" + sender.domainKey());
                keys.add("@" + sender.domainKey());
            } else {
                keys.add(sender.localPart());
            }
        }
        keys.add(host.toLowerCase(Locale.ROOT));
        String dest = nexthop.strip().toLowerCase(Locale.ROOT);
        if (!keys.contains(dest)) {
            keys.add(dest);
        }
        return keys;
    }

    /** {@code username:password}; historically the password may itself contain the delimiter. */
    private Credentials split(String value) {
        String v = value.strip();
        int at = v.indexOf(delimiter);
        return at < 0 ? new Credentials(v, "") : new Credentials(v.substring(0, at), v.substring(at + 1));
    }

    private static Optional<Path> secretFile(String spec, Path configDirectory) {
        String s = spec.strip();
        while (s.regionMatches(true, 0, "proxy:", 0, 6)) {
            s = s.substring(6);
        }
        int colon = s.indexOf(':');
        if (colon <= 0 || !FILE_TYPES.contains(s.substring(0, colon).toLowerCase(Locale.ROOT))
                || s.substring(colon + 1).isBlank()) {
            return Optional.empty();
        }
        return Optional.of(configDirectory.resolve(s.substring(colon + 1).strip()));
    }
}
