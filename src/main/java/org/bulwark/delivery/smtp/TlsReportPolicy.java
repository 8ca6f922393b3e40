package org.bulwark.delivery.smtp;

import java.util.List;
import java.util.Set;

/**
 * The TLS policy a session was held to, as an RFC 8460 report names it (§4.3 "policy"): its type,
 * the policy-domain it was defined for, its policy-string lines and, for MTA-STS, its mx host
 * patterns.
 *
 * @param type    {@value #TLSA}, {@value #STS} or {@value #NO_POLICY_FOUND}
 * @param domain  the policy-domain: the recipient domain for MTA-STS, the TLSA base domain (the MX
 *                host) for DANE; for no-policy-found, the domain no policy was found for
 * @param strings the policy's lines: for sts the policy file's lines ({@code "mode: enforce"}), for
 *                tlsa the records in presentation form ({@code "3 1 1 5f0e..."}); none for no-policy-found
 * @param mxHosts for sts the {@code mx:} patterns ({@code "*.example.net"}); none otherwise
 */
public record TlsReportPolicy(String type, String domain, List<String> strings, List<String> mxHosts) {

    public static final String TLSA = "tlsa";
    public static final String STS = "sts";
    public static final String NO_POLICY_FOUND = "no-policy-found";

    public TlsReportPolicy {
        if (!Set.of(TLSA, STS, NO_POLICY_FOUND).contains(type)) {
            throw new IllegalArgumentException("not an RFC 8460 policy-type: " + type);
        }
        strings = List.copyOf(strings);
        mxHosts = List.copyOf(mxHosts);
    }

    /** An MTA-STS policy (RFC 8461) of {@code domain}: its lines and its {@code mx:} patterns. */
    public static TlsReportPolicy sts(String domain, List<String> policyLines, List<String> mxPatterns) {
        return new TlsReportPolicy(STS, domain, policyLines, mxPatterns);
    }

    /** DANE: the TLSA records of the server whose name is the TLSA base domain. */
    public static TlsReportPolicy tlsa(String baseDomain, List<String> records) {
        return new TlsReportPolicy(TLSA, baseDomain, records, List.of());
    }

    /** Neither DANE nor MTA-STS applied to the session. */
    public static TlsReportPolicy noPolicyFound(String domain) {
        return new TlsReportPolicy(NO_POLICY_FOUND, domain, List.of(), List.of());
    }
}
