package org.bulwark.delivery.smtp;

import java.util.ArrayList;
import java.util.List;
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
 * falling back would hand an attacker who can break DNS a downgrade.
 */
final class TlsPolicies {

    private final TlsLevel level;
    private final boolean dnssec;
    private final List<TlsPolicy.Association> fingerprints;
    private final DnsResolver dns;

    /**
     * @param dnssec       {@code smtp_dns_support_level = dnssec}: DNS answers carry their validation
     * @param fingerprints {@code smtp_tls_fingerprint_cert_match} as DANE-EE associations
     */
    TlsPolicies(TlsLevel level, boolean dnssec, List<TlsPolicy.Association> fingerprints, DnsResolver dns) {
        this.level = level;
        this.dnssec = dnssec;
        this.fingerprints = List.copyOf(fingerprints);
        this.dns = dns;
    }

    /** The policy for this server, or a failure (4.7.5) that skips it and leaves the mail deferred. */
    TlsPolicy find(Nexthop nexthop, Route.Server server) throws SessionFailure {
        return switch (level) {
            case NONE, MAY, ENCRYPT -> TlsPolicy.of(level);
            // smtp_tls_verify_cert_match = hostname; smtp_tls_secure_cert_match = nexthop, dot-nexthop.
            case VERIFY -> new TlsPolicy(level, List.of(server.host()), List.of());
            case SECURE -> new TlsPolicy(level, List.of(nexthop.host(), "." + nexthop.host()), List.of());
            case FINGERPRINT -> {
                if (fingerprints.isEmpty()) {
                    throw SessionFailure.policy(SmtpTexts.TLS_CONFIGURATION_PROBLEM);
                }
                yield new TlsPolicy(level, List.of(), fingerprints);
            }
            case DANE, DANE_ONLY -> dane(nexthop, server);
        };
    }

    private TlsPolicy dane(Nexthop nexthop, Route.Server server) throws SessionFailure {
        if (!dnssec) {
            // The startup warning has said why; dane-only must not send without DANE.
            return incompatible(TlsLevel.MAY, SmtpTexts.TLS_CONFIGURATION_PROBLEM);
        }
        if (!server.dnssec()) {
            return incompatible(TlsLevel.MAY, SmtpTexts.NON_DNSSEC_DESTINATION);
        }
        DnssecResult<TlsaRecord> answer = dns.lookupTlsa(server.host(), server.port());
        if (answer.result() instanceof DnsResult.TemporaryFailure<TlsaRecord>) {
            throw SessionFailure.policy(SmtpTexts.tlsaLookupError(server.host(), server.port()));
        }
        if (!answer.secure() || !answer.result().isFound()) {
            return incompatible(TlsLevel.MAY, SmtpTexts.NO_TLSA_RECORDS);
        }
        List<TlsPolicy.Association> usable = new ArrayList<>();
        for (TlsaRecord r : answer.result().values()) {
            if (DaneMatcher.usable(r)) {
                usable.add(DaneMatcher.association(r));
            }
        }
        if (usable.isEmpty()) {
            // RFC 7672 §2.2: TLSA records, none usable: TLS is still mandatory, without authentication.
            return incompatible(TlsLevel.ENCRYPT, SmtpTexts.TLSA_UNUSABLE);
        }
        // RFC 7672 §3.2.3: a DANE-TA chain must name the TLSA base domain or the nexthop domain.
        List<String> names = nexthop.mxLookup() && !nexthop.host().equalsIgnoreCase(server.host())
                ? List.of(server.host(), nexthop.host()) : List.of(server.host());
        return new TlsPolicy(TlsLevel.DANE, names, usable);
    }

    /**
     * Postfix's dane_incompat(): {@code dane} quietly falls back to {@code fallback} (the log's
     * "Untrusted TLS connection" or plaintext says what happened), {@code dane-only} defers.
     */
    private TlsPolicy incompatible(TlsLevel fallback, String why) throws SessionFailure {
        if (level == TlsLevel.DANE_ONLY) {
            throw SessionFailure.policy(why);
        }
        return TlsPolicy.of(fallback);
    }
}
