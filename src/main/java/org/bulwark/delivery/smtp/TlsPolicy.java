package org.bulwark.delivery.smtp;

import java.util.List;

/**
 * The TLS one session must have, settled per server before connecting (Postfix's
 * smtp_tls_policy.c): the effective level, the names a CA-signed or DANE-TA certificate must
 * carry, and the certificate associations (TLSA records or configured fingerprints) that
 * {@code dane} and {@code fingerprint} match; at {@code verify} and {@code secure} associations
 * are a policy table's {@code tafile=} trust anchors, which then replace {@code smtp_tls_CAfile}.
 *
 * @param serverName the SNI name ({@code smtp_tls_servername}, {@code servername=}, the MX name with DANE
 *                   and MTA-STS), or null to send none, Postfix's default
 * @param sts        the MTA-STS policy this session is held to or audited against, or null
 * @param halfDane   DANE over an insecure MX (Postfix's "halfdane"): a match satisfies the policy but
 *                   is logged as Trusted, not Verified, since the MX name could have been forged
 */
record TlsPolicy(TlsLevel level, List<String> names, List<Association> associations, String serverName,
        MtaSts.Applied sts, boolean halfDane) {

    TlsPolicy {
        names = List.copyOf(names);
        associations = List.copyOf(associations);
    }

    TlsPolicy(TlsLevel level, List<String> names, List<Association> associations) {
        this(level, names, associations, null, null, false);
    }

    static TlsPolicy of(TlsLevel level) {
        return new TlsPolicy(level, List.of(), List.of());
    }

    TlsPolicy withServerName(String name) {
        return new TlsPolicy(level, names, associations, name, sts, halfDane);
    }

    TlsPolicy withSts(MtaSts.Applied applied) {
        return new TlsPolicy(level, names, associations, serverName, applied, halfDane);
    }

    /** The same policy, DANE over an insecure MX. */
    TlsPolicy asHalfDane() {
        return new TlsPolicy(level, names, associations, serverName, sts, true);
    }

    /** An MTA-STS policy in enforce mode holds this session: its failures defer the mail. */
    boolean stsEnforced() {
        return sts != null && sts.enforce();
    }

    /**
     * One certificate association, RFC 6698 §2.1's fields with the matching type as a JDK digest
     * name ({@code null}: the full certificate or key).
     *
     * @param usage    {@code 2} DANE-TA or {@code 3} DANE-EE
     * @param selector {@code 0} the whole certificate, {@code 1} its SubjectPublicKeyInfo
     */
    record Association(int usage, int selector, String digest, byte[] data) {
        Association {
            data = data.clone();
        }

        /** RFC 6698 §2.2 presentation form, {@code 3 1 1 <hex>}, as a TLS report's policy-string. */
        String presentation() {
            int matching = digest == null ? 0 : digest.equals("SHA-512") ? 2 : 1;
            return usage + " " + selector + " " + matching + " " + java.util.HexFormat.of().formatHex(data);
        }
    }
}
