package org.bulwark.delivery.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.bulwark.dns.DnsResolver;
import org.bulwark.dns.DnsResult;
import org.bulwark.dns.DnssecResult;
import org.bulwark.dns.TlsaRecord;

/**
 * Settles the TLS policy for one server before the client connects to it, as Postfix's
 * smtp_tls_policy.c does: {@code verify} and {@code secure} get the names to check, {@code
 * fingerprint} the configured digests, and {@code dane} / {@code dane-only} look up the server's
 * TLSA records (RFC 7672 §2.2). With {@code dane}, a server DANE does not apply to is tried with
 * opportunistic TLS, and one whose TLSA records are all unusable with mandatory unauthenticated
 * TLS; with {@code dane-only} both are deferred. A failed TLSA lookup defers at either level:
 * falling back would hand an attacker who can break DNS a downgrade. An entry of {@code
 * smtp_tls_policy_maps} for the destination replaces the configured level, as in Postfix.
 */
final class TlsPolicies {

    /**
     * The main.cf settings beside the level: the first three an entry of the policy table may override.
     *
     * @param verifyMatch {@code smtp_tls_verify_cert_match}: names and strategies at {@code verify}
     * @param secureMatch {@code smtp_tls_secure_cert_match}: the same at {@code secure}
     * @param serverName  {@code smtp_tls_servername}: the SNI name, {@code hostname}, {@code nexthop},
     *                    or empty to send none (Postfix 3.4 and later, except with DANE)
     * @param insecureMx  {@code smtp_tls_dane_insecure_mx_policy}: {@code MAY}, {@code ENCRYPT} or
     *                    {@code DANE}, for a server with validated addresses behind an MX that is not
     */
    record Defaults(List<String> verifyMatch, List<String> secureMatch, String serverName, TlsLevel insecureMx) {
        /** Postfix's defaults for the SMTP client. */
        static final Defaults POSTFIX = new Defaults(List.of("hostname"), List.of("nexthop", "dot-nexthop"), "",
                TlsLevel.DANE);

        Defaults {
            verifyMatch = List.copyOf(verifyMatch);
            secureMatch = List.copyOf(secureMatch);
        }
    }

    private final TlsLevel level;
    private final Defaults defaults;
    private final boolean dnssec;
    private final List<TlsPolicy.Association> fingerprints;
    private final DnsResolver dns;
    private final TlsPolicyTable table;
    private final Consumer<String> warn;
    private final List<TlsPolicy.Association> trustAnchors;

    TlsPolicies(TlsLevel level, boolean dnssec, List<TlsPolicy.Association> fingerprints, DnsResolver dns) {
        this(level, dnssec, fingerprints, dns, TlsPolicyTable.empty(), w -> { }, List.of(), Defaults.POSTFIX);
    }

    /**
     * @param dnssec       {@code smtp_dns_support_level = dnssec}: DNS answers carry their validation
     * @param fingerprints {@code smtp_tls_fingerprint_cert_match} as DANE-EE associations
     * @param trustAnchors {@code smtp_tls_trust_anchor_file} at verify and secure, unless an entry has its own
     * @param defaults     the match strategies and SNI name of main.cf
     */
    TlsPolicies(TlsLevel level, boolean dnssec, List<TlsPolicy.Association> fingerprints, DnsResolver dns,
            TlsPolicyTable table, Consumer<String> warn, List<TlsPolicy.Association> trustAnchors, Defaults defaults) {
        this.defaults = defaults;
        this.table = table;
        this.trustAnchors = List.copyOf(trustAnchors);
        this.warn = warn;
        this.level = level;
        this.dnssec = dnssec;
        this.fingerprints = List.copyOf(fingerprints);
        this.dns = dns;
    }

    /** Whether {@code smtp_tls_policy_maps} has an entry for the nexthop (a bad one counts: it defers). */
    boolean hasTableEntry(String nexthopText) {
        try {
            return table.find(nexthopText, w -> { }).isPresent();
        } catch (SessionFailure f) {
            return true;
        }
    }

    /**
     * The level for an LMTP unix-domain destination: the table's entry for the socket path as
     * written (Postfix looks it up there too), else the configured level.
     *
     * @throws SessionFailure (4.7.5) when the entry is wrong
     */
    TlsLevel unixLevel(String path) throws SessionFailure {
        return table.find(path, warn).map(TlsPolicyTable.Entry::level).orElse(level);
    }

    /** The policy for this server, or a failure (4.7.5) that skips it and leaves the mail deferred. */
    TlsPolicy find(Nexthop nexthop, Route.Server server) throws SessionFailure {
        return find(nexthop.host(), nexthop, server);
    }

    /**
     * @param nexthopText the nexthop as written ({@code example.org}, {@code [mx.example.org]:25}),
     *                    the key of {@code smtp_tls_policy_maps}
     */
    TlsPolicy find(String nexthopText, Nexthop nexthop, Route.Server server) throws SessionFailure {
        return find(nexthopText, nexthop, server, null);
    }

    /**
     * As {@link #find(String, Nexthop, Route.Server)}, under the destination's MTA-STS policy
     * when it has one: an entry of {@code smtp_tls_policy_maps} wins over the policy, and so do
     * DANE (RFC 8461 §2) and a configured {@code verify}, {@code secure} or {@code fingerprint}.
     * In enforce mode an MX outside the policy's patterns is skipped unconnected, the others must
     * present a certificate valid for their name ({@code secure} with {@code match=hostname}); in
     * testing mode the mail goes as without the policy, with TLS tried, and what fails is reported.
     *
     * @param sts the destination's MTA-STS policy, or null
     */
    TlsPolicy find(String nexthopText, Nexthop nexthop, Route.Server server, MtaSts.Applied sts)
            throws SessionFailure {
        Optional<TlsPolicyTable.Entry> entry = table.find(nexthopText, warn);
        TlsPolicy base = base(entry, nexthop, server);
        if (entry.isPresent() || sts == null) {
            return base;
        }
        return switch (base.level()) {
            case DANE, DANE_ONLY, VERIFY, SECURE, FINGERPRINT -> base;
            case NONE, MAY, ENCRYPT -> mtaSts(base, sts, server);
        };
    }

    /** The failure-reason-code of an MX outside an MTA-STS policy's patterns. */
    static final String MX_MISMATCH = "mx-not-in-policy";

    private TlsPolicy mtaSts(TlsPolicy base, MtaSts.Applied sts, Route.Server server) throws SessionFailure {
        if (!sts.policy().matches(server.host())) {
            String why = SmtpTexts.stsMxMismatch(sts.domain(), server.host());
            if (sts.enforce()) {
                throw SessionFailure.policy(why).tlsReport(TlsSessionReports.VALIDATION_FAILURE, MX_MISMATCH,
                        sts.reportPolicy());
            }
            warn.accept(SmtpTexts.stsTestingFailure(why));
            // Delivered as without the policy; the policy stays attached so the session is reported against it.
            return base.withSts(sts);
        }
        // As Postfix's MTA-STS plugin asks (servername=hostname): the MX name goes as SNI.
        if (sts.enforce()) {
            return new TlsPolicy(TlsLevel.SECURE, List.of(server.host()), List.of()).withServerName(server.host())
                    .withSts(sts);
        }
        // Testing: TLS is tried so that its failures can be seen, but they change nothing.
        TlsLevel level = base.level() == TlsLevel.NONE ? TlsLevel.MAY : base.level();
        return new TlsPolicy(level, List.of(server.host()), List.of()).withServerName(server.host()).withSts(sts);
    }

    private TlsPolicy base(Optional<TlsPolicyTable.Entry> entry, Nexthop nexthop, Route.Server server)
            throws SessionFailure {
        TlsLevel effective = entry.map(TlsPolicyTable.Entry::level).orElse(level);
        List<String> match = entry.map(TlsPolicyTable.Entry::match).orElse(List.of());
        List<TlsPolicy.Association> anchors = entry.map(TlsPolicyTable.Entry::trustAnchors)
                .filter(a -> !a.isEmpty()).orElse(trustAnchors);
        TlsPolicy policy = switch (effective) {
            case NONE, MAY, ENCRYPT -> TlsPolicy.of(effective);
            // An entry's match= replaces smtp_tls_verify_cert_match or smtp_tls_secure_cert_match.
            case VERIFY -> new TlsPolicy(effective,
                    names(match.isEmpty() ? defaults.verifyMatch() : match, nexthop, server), anchors);
            case SECURE -> new TlsPolicy(effective,
                    names(match.isEmpty() ? defaults.secureMatch() : match, nexthop, server), anchors);
            case FINGERPRINT -> {
                List<TlsPolicy.Association> digests = entry.map(TlsPolicyTable.Entry::fingerprints)
                        .filter(f -> !f.isEmpty()).orElse(fingerprints);
                if (digests.isEmpty()) {
                    throw SessionFailure.policy(SmtpTexts.TLS_CONFIGURATION_PROBLEM);
                }
                yield new TlsPolicy(effective, List.of(), digests);
            }
            case DANE, DANE_ONLY -> dane(effective, nexthop, server);
        };
        if (policy.level() == TlsLevel.NONE) {
            return policy;
        }
        if (policy.level() == TlsLevel.DANE) {
            // RFC 7672 §3.1.1 (Postfix's tls_client.c): with DANE the SNI is the TLSA base domain, whatever is configured.
            return policy.withServerName(server.host());
        }
        String serverName = entry.map(TlsPolicyTable.Entry::serverName).orElse(defaults.serverName());
        return serverName == null || serverName.isEmpty() ? policy : policy.withServerName(switch (serverName) {
            case "hostname" -> server.host();
            case "nexthop" -> nexthop.host();
            default -> serverName;
        });
    }

    /** Postfix's match keywords: {@code hostname} the server, {@code nexthop} the destination, {@code dot-nexthop} its subdomains. */
    private static List<String> names(List<String> match, Nexthop nexthop, Route.Server server) {
        List<String> names = new ArrayList<>();
        for (String m : match) {
            names.add(switch (m.toLowerCase(Locale.ROOT)) {
                case "hostname" -> server.host();
                case "nexthop" -> nexthop.host();
                case "dot-nexthop" -> "." + nexthop.host();
                default -> m;
            });
        }
        return names;
    }

    private TlsPolicy dane(TlsLevel daneLevel, Nexthop nexthop, Route.Server server) throws SessionFailure {
        if (!dnssec) {
            // The startup warning has said why; dane-only must not send without DANE.
            if (daneLevel == TlsLevel.DANE_ONLY) {
                throw SessionFailure.policy(SmtpTexts.TLS_CONFIGURATION_PROBLEM);
            }
            return TlsPolicy.of(TlsLevel.MAY);
        }
        // Postfix's dane_init(): behind an insecure MX, a host whose addresses validate still has its
        // TLSA records looked up at dane, unless smtp_tls_dane_insecure_mx_policy = may.
        boolean insecureMx = !server.dnssec() && server.insecureMx() && daneLevel == TlsLevel.DANE
                && defaults.insecureMx().mandatory();
        // RFC 8460 §4.3: dane-only finding no validated TLSA records is "dane-required".
        if (!server.dnssec() && !insecureMx) {
            return incompatible(daneLevel, TlsLevel.MAY, SmtpTexts.NON_DNSSEC_DESTINATION, TlsSessionReports.DANE_REQUIRED,
                    null);
        }
        DnssecResult<TlsaRecord> answer = dns.lookupTlsa(server.host(), server.port());
        if (answer.result() instanceof DnsResult.TemporaryFailure<TlsaRecord>) {
            throw SessionFailure.policy(SmtpTexts.tlsaLookupError(server.host(), server.port()))
                    .tlsReport(TlsSessionReports.DNSSEC_INVALID, "tlsa-lookup-error");
        }
        if (!answer.secure() || !answer.result().isFound()) {
            return incompatible(daneLevel, TlsLevel.MAY, SmtpTexts.NO_TLSA_RECORDS, TlsSessionReports.DANE_REQUIRED,
                    null);
        }
        List<TlsPolicy.Association> usable = new ArrayList<>();
        for (TlsaRecord r : answer.result().values()) {
            if (DaneMatcher.usable(r)) {
                usable.add(DaneMatcher.association(r));
            }
        }
        if (usable.isEmpty()) {
            // RFC 7672 §2.2: TLSA records, none usable: TLS is still mandatory, without authentication.
            List<String> records = answer.result().values().stream().map(TlsPolicies::presentation).toList();
            return incompatible(daneLevel, TlsLevel.ENCRYPT, SmtpTexts.TLSA_UNUSABLE, TlsSessionReports.TLSA_INVALID,
                    TlsReportPolicy.tlsa(server.host(), records));
        }
        if (insecureMx && defaults.insecureMx() == TlsLevel.ENCRYPT) {
            // "Verification not possible, MX RRset is insecure": TLS required, not authenticated.
            return TlsPolicy.of(TlsLevel.ENCRYPT);
        }
        // RFC 7672 §3.2.3: a DANE-TA chain must name the TLSA base domain or the nexthop domain.
        List<String> names = nexthop.mxLookup() && !nexthop.host().equalsIgnoreCase(server.host())
                ? List.of(server.host(), nexthop.host()) : List.of(server.host());
        TlsPolicy policy = new TlsPolicy(TlsLevel.DANE, names, usable);
        return insecureMx ? policy.asHalfDane() : policy;
    }

    /**
     * Postfix's dane_incompat(): {@code dane} quietly falls back to {@code fallback} (the log's
     * "Untrusted TLS connection" or plaintext says what happened), {@code dane-only} defers.
     */
    private static TlsPolicy incompatible(TlsLevel daneLevel, TlsLevel fallback, String why, String tlsResult,
            TlsReportPolicy reportPolicy) throws SessionFailure {
        if (daneLevel == TlsLevel.DANE_ONLY) {
            throw SessionFailure.policy(why).tlsReport(tlsResult, tlsResult.equals(TlsSessionReports.TLSA_INVALID)
                    ? "all-TLSA-records-unusable" : "", reportPolicy);
        }
        return TlsPolicy.of(fallback);
    }

    /** A TLSA record as a TLS report's policy-string (RFC 6698 §2.2). */
    private static String presentation(TlsaRecord r) {
        return r.usage() + " " + r.selector() + " " + r.matchingType() + " " + java.util.HexFormat.of().formatHex(r.data());
    }
}
