package org.bulwark.delivery.smtp;

import java.util.Locale;

/**
 * {@code smtp_tls_security_level}, Postfix's TLS_README "Client TLS security levels". As a
 * configured level, {@code DANE} is opportunistic DANE and {@code DANE_ONLY} mandatory DANE; as
 * the level a {@link TlsPolicy} settles on for one server, {@code DANE} means "authenticated by
 * the server's TLSA records" and {@code DANE_ONLY} does not occur.
 */
enum TlsLevel {
    NONE, MAY, ENCRYPT, FINGERPRINT, DANE, DANE_ONLY, VERIFY, SECURE;

    /** Whether the delivery must fail rather than go on without TLS. */
    boolean mandatory() {
        return this != NONE && this != MAY;
    }

    /** Whether the server's chain must lead to a trusted CA and name an expected host. */
    boolean authenticates() {
        return this == VERIFY || this == SECURE;
    }

    /** Whether the certificate must match digests or TLSA records instead of a CA (RFC 7672 §3). */
    boolean matchesAssociations() {
        return this == DANE || this == FINGERPRINT;
    }

    boolean daneBased() {
        return this == DANE || this == DANE_ONLY;
    }

    /** The level as main.cf spells it. */
    String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static TlsLevel of(String level, boolean useTls) {
        return of(level, useTls, false, false);
    }

    /**
     * As Postfix's global_tls_level(): an empty level falls back to the Postfix 2.2 settings,
     * {@code smtp_enforce_tls} ({@code verify} with {@code smtp_tls_enforce_peername}, else
     * {@code encrypt}), then {@code smtp_use_tls} ({@code may}).
     */
    static TlsLevel of(String level, boolean useTls, boolean enforceTls, boolean enforcePeername) {
        String l = level == null ? "" : level.trim().toLowerCase(Locale.ROOT);
        return switch (l) {
            case "" -> enforceTls ? (enforcePeername ? VERIFY : ENCRYPT) : useTls ? MAY : NONE;
            case "none" -> NONE;
            case "may" -> MAY;
            case "encrypt" -> ENCRYPT;
            case "fingerprint" -> FINGERPRINT;
            case "dane" -> DANE;
            case "dane-only" -> DANE_ONLY;
            case "verify" -> VERIFY;
            case "secure" -> SECURE;
            default -> throw new IllegalArgumentException("unknown smtp_tls_security_level: " + level);
        };
    }
}
