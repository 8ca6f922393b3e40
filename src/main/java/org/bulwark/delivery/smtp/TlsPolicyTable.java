package org.bulwark.delivery.smtp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.table.LookupTable;
import org.bulwark.table.LookupTables;

/**
 * {@code smtp_tls_policy_maps}, Postfix's per-destination TLS policy (TLS_README "TLS policy
 * table", smtp_tls_policy.c): the nexthop as written is looked up, and when it is a domain its
 * parents as {@code .example.org}, {@code .org}; {@code [host]:port} and {@code host:port} are
 * looked up once, as written. The first entry found gives the level that replaces {@code
 * smtp_tls_security_level} for the destination, with {@code match=} (for {@code verify} and
 * {@code secure} names separated by {@code :}, where {@code hostname}, {@code nexthop} and {@code
 * dot-nexthop} stand for the server and the destination; for {@code fingerprint} digests separated
 * by {@code |}). {@code servername=} names the SNI ({@code hostname}: the server's name), {@code
 * tafile=} PEM files of trust anchors that replace {@code smtp_tls_CAfile} at {@code verify} and
 * {@code secure}. {@code ciphers=}, {@code protocols=} and {@code exclude=} are accepted only with
 * values the JDK's defaults already satisfy; {@code connection_reuse=} and {@code enable_rpk=} are
 * not implemented. An entry that is wrong or asks for what is not implemented is
 * refused at start when the table can be listed then, and otherwise defers the destination's mail
 * with Postfix's warning and "client TLS configuration problem" (4.7.5).
 */
final class TlsPolicyTable {

    /** {@code smtp_tls_policy_maps}, or {@code lmtp_tls_policy_maps} for the LMTP client. */
    static final String PARAMETER = "tls_policy_maps";

    /**
     * One table entry, parsed. {@code match} is empty when the entry has none (the defaults apply).
     *
     * @param trustAnchors {@code tafile=} certificates as DANE-TA associations (RFC 7671 §5.2), or empty
     * @param serverName   {@code servername=}: a name, {@code hostname}, or null for the default
     */
    record Entry(TlsLevel level, List<String> match, List<TlsPolicy.Association> fingerprints,
            List<TlsPolicy.Association> trustAnchors, String serverName) {
        Entry {
            match = List.copyOf(match);
            fingerprints = List.copyOf(fingerprints);
            trustAnchors = List.copyOf(trustAnchors);
        }

        Entry(TlsLevel level, List<String> match, List<TlsPolicy.Association> fingerprints) {
            this(level, match, fingerprints, List.of(), null);
        }
    }

    /** Protocol exclusions and bounds the JDK's client never goes below (it offers TLSv1.2 and TLSv1.3 only). */
    private static final Set<String> HARMLESS_PROTOCOLS = Set.of("!sslv2", "!sslv3", "!tlsv1", "!tlsv1.1",
            ">=tlsv1", ">=tlsv1.1", ">=tlsv1.2", "<=tlsv1.3");
    /** Cipher grades the JDK's default suites all belong to (OpenSSL's HIGH is within MEDIUM). */
    private static final Set<String> HARMLESS_GRADES = Set.of("medium", "high");
    private static final Pattern HOSTNAME = Pattern.compile(
            "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    private final List<LookupTable> tables;
    private final String digest;
    private final String parameter;

    private TlsPolicyTable(List<LookupTable> tables, String digest, String parameter) {
        this.tables = List.copyOf(tables);
        this.digest = digest;
        this.parameter = parameter;
    }

    static TlsPolicyTable empty() {
        return new TlsPolicyTable(List.of(), "sha256", "smtp_" + PARAMETER);
    }

    static TlsPolicyTable of(Config config, String digest) {
        return of(config, "smtp_", digest);
    }

    /**
     * Opens the tables and checks every entry of those that can be listed now: an error stops the start.
     *
     * @param p the parameters' prefix, {@code smtp_} or {@code lmtp_}
     */
    static TlsPolicyTable of(Config config, String p, String digest) {
        String parameter = p + PARAMETER;
        List<LookupTable> tables = new ArrayList<>();
        for (String spec : config.list(parameter)) {
            LookupTable table = LookupTables.open(spec, config.configDirectory());
            tables.add(table);
            Optional<Map<String, String>> entries = table.allEntries();
            if (entries.isEmpty()) {
                continue;
            }
            for (Map.Entry<String, String> e : entries.get().entrySet()) {
                try {
                    parse(e.getValue(), digest, p, w -> { });
                } catch (IllegalArgumentException bad) {
                    String text = SmtpTexts.policyTableLoadError(parameter, spec, e.getKey(), bad.getMessage());
                    Optional<Path> file = file(spec, config.configDirectory());
                    int line = file.map(f -> lineOf(f, e.getKey())).orElse(0);
                    throw line > 0 ? new ConfigException(file.get(), line, text)
                            : new ConfigException(text).locatedIn(config);
                }
            }
        }
        return new TlsPolicyTable(tables, digest, parameter);
    }

    /** Postfix's valid_hostname(), as servername= and smtp_tls_servername need it. */
    static boolean validHostname(String name) {
        return HOSTNAME.matcher(name).matches();
    }

    boolean isEmpty() {
        return tables.isEmpty();
    }

    /**
     * The entry for the destination, if any.
     *
     * @param nexthop the nexthop as the transport or relayhost writes it
     * @param warn    receives Postfix's warning when the entry is wrong
     * @throws SessionFailure (4.7.5) when the entry found is wrong or not implemented
     */
    Optional<Entry> find(String nexthop, Consumer<String> warn) throws SessionFailure {
        if (tables.isEmpty()) {
            return Optional.empty();
        }
        String name = nexthop.strip().toLowerCase(Locale.ROOT);
        boolean domain = !name.isEmpty() && name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '.' || c == '-');
        String key = name;
        while (true) {
            Optional<String> value = lookup(key);
            if (value.isPresent()) {
                String where = SmtpTexts.policyTableWhere(parameter, key);
                try {
                    return Optional.of(parse(value.get(), digest, prefix(), w -> warn.accept(where + ": " + w)));
                } catch (IllegalArgumentException e) {
                    warn.accept(where + ": " + e.getMessage());
                    throw SessionFailure.policy(SmtpTexts.TLS_CONFIGURATION_PROBLEM);
                }
            }
            int dot = domain ? key.indexOf('.', 1) : -1;
            if (dot < 0) {
                return Optional.empty();
            }
            key = key.substring(dot);
        }
    }

    private Optional<String> lookup(String key) {
        for (LookupTable table : tables) {
            Optional<String> value = table.find(key);
            if (value.isPresent()) {
                return value;
            }
        }
        return Optional.empty();
    }

    /**
     * One entry: the level, then {@code name=value} attributes separated by white space or commas.
     *
     * @throws IllegalArgumentException with Postfix's wording of what is wrong
     */
    /** {@code smtp_} or {@code lmtp_}: whose table this is. */
    private String prefix() {
        return parameter.substring(0, parameter.length() - PARAMETER.length());
    }

    /** @param p the parameters' prefix ({@code smtp_}, {@code lmtp_}), for the messages */
    static Entry parse(String value, String digest, String p, Consumer<String> warn) {
        List<String> tokens = new ArrayList<>();
        for (String t : value.strip().split("[\\s,]+")) {
            if (!t.isEmpty()) {
                tokens.add(t);
            }
        }
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("invalid empty policy");
        }
        TlsLevel level;
        try {
            level = TlsLevel.of(tokens.get(0), false);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid security level \"" + tokens.get(0) + "\"");
        }
        if (level == TlsLevel.NONE) {
            for (String t : tokens.subList(1, tokens.size())) {
                warn.accept("ignoring attribute \"" + t + "\" with TLS disabled");
            }
            return new Entry(level, List.of(), List.of());
        }
        List<String> match = new ArrayList<>();
        List<String> fingerprintItems = new ArrayList<>();
        List<TlsPolicy.Association> trustAnchors = new ArrayList<>();
        String serverName = null;
        Set<String> seen = new HashSet<>();
        for (String t : tokens.subList(1, tokens.size())) {
            int eq = t.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("malformed attribute/value pair \"" + t + "\": missing '='");
            }
            String name = t.substring(0, eq).toLowerCase(Locale.ROOT);
            String val = t.substring(eq + 1);
            if (!name.equals("match") && !name.equals("tafile") && !seen.add(name)) {
                throw new IllegalArgumentException("attribute \"" + name + "\" is specified multiple times");
            }
            switch (name) {
                case "match" -> {
                    if (val.isEmpty()) {
                        throw new IllegalArgumentException("attribute \"match\" has empty value");
                    }
                    if (level == TlsLevel.FINGERPRINT) {
                        fingerprintItems.add(val);
                    } else if (level.authenticates()) {
                        for (String m : val.split(":")) {
                            if (!m.isEmpty()) {
                                match.add(m.toLowerCase(Locale.ROOT));
                            }
                        }
                    } else {
                        throw new IllegalArgumentException("attribute \"match\" invalid at security level \""
                                + level.word() + "\"");
                    }
                }
                case "ciphers" -> {
                    if (val.isEmpty()) {
                        throw new IllegalArgumentException("attribute \"ciphers\" has empty value");
                    }
                    if (!HARMLESS_GRADES.contains(val.toLowerCase(Locale.ROOT))) {
                        throw new IllegalArgumentException(SmtpTexts.policyNotImplemented(t,
                                "ciphers=high or ciphers=medium, which the JDK's default cipher suites satisfy"));
                    }
                }
                case "protocols" -> {
                    for (String protocol : val.toLowerCase(Locale.ROOT).split("[\\s,:]+")) {
                        if (!protocol.isEmpty() && !HARMLESS_PROTOCOLS.contains(protocol)) {
                            throw new IllegalArgumentException(SmtpTexts.policyNotImplemented(t,
                                    "protocols=!SSLv2:!SSLv3:!TLSv1:!TLSv1.1 or >=TLSv1.2: the client offers TLSv1.2 and TLSv1.3 only"));
                        }
                    }
                }
                case "servername" -> {
                    if (!HOSTNAME.matcher(val).matches()) {
                        throw new IllegalArgumentException("\"" + t + "\" specifies an invalid hostname");
                    }
                    serverName = val.toLowerCase(Locale.ROOT);
                }
                case "tafile" -> {
                    // Postfix: trust anchors only make sense where a CA is what is trusted.
                    if (!level.authenticates()) {
                        throw new IllegalArgumentException("attribute \"tafile\" invalid at security level \""
                                + level.word() + "\"");
                    }
                    if (val.isEmpty()) {
                        throw new IllegalArgumentException("attribute \"tafile\" has empty value");
                    }
                    try {
                        trustAnchors.addAll(TrustAnchorFiles.load(val));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("attribute \"" + t + "\": " + e.getMessage());
                    }
                }
                case "exclude" -> CipherExclusions.check(val);
                case "connection_reuse", "enable_rpk" ->
                        throw new IllegalArgumentException(SmtpTexts.policyNotImplemented(t, "remove the attribute"));
                default -> throw new IllegalArgumentException("invalid attribute name: \"" + name + "\"");
            }
        }
        List<TlsPolicy.Association> fingerprints = List.of();
        if (!fingerprintItems.isEmpty()) {
            try {
                fingerprints = Fingerprints.parse(digest, fingerprintItems, "\\|", p);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(SmtpTexts.policyBadFingerprint(p, String.join("|", fingerprintItems), digest));
            }
        }
        return new Entry(level, match, fingerprints, trustAnchors, serverName);
    }

    /** The file of a table read from one ({@code texthash:}, {@code hash:} ...), to name the line of an error. */
    private static Optional<Path> file(String spec, Path configDirectory) {
        String s = spec.strip();
        int colon = s.indexOf(':');
        String type = colon > 0 ? s.substring(0, colon).toLowerCase(Locale.ROOT) : "";
        return switch (type) {
            case "texthash", "hash", "btree", "lmdb", "dbm", "cdb", "sdbm" ->
                    Optional.of(configDirectory.resolve(s.substring(colon + 1).strip()));
            default -> Optional.empty();
        };
    }

    /** The number of the line that starts with the key, 0 if none does. */
    private static int lineOf(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String[] words = lines.get(i).strip().split("\\s+", 2);
                if (!lines.get(i).isEmpty() && !Character.isWhitespace(lines.get(i).charAt(0))
                        && words[0].equalsIgnoreCase(key)) {
                    return i + 1;
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }
}
