package org.bulwark.delivery.smtp;

import java.util.Locale;

/**
 * {@code smtp_tls_security_level}, Postfix's TLS_README "Client TLS security levels". {@code dane}
 * will add DNSSEC-validated TLSA checks; until then it behaves as {@code may}.
 */
enum TlsLevel {
    NONE, MAY, ENCRYPT, VERIFY, SECURE;

    /** Whether the delivery must fail rather than go on without TLS. */
    boolean mandatory() {
        return this != NONE && this != MAY;
    }

    /** Whether the server's chain must lead to a trusted CA and name an expected host. */
    boolean authenticates() {
        return this == VERIFY || this == SECURE;
    }

    static TlsLevel of(String level, boolean useTls) {
        String l = level == null ? "" : level.trim().toLowerCase(Locale.ROOT);
        return switch (l) {
            case "" -> useTls ? MAY : NONE;
            case "none" -> NONE;
            case "may", "dane", "dane-only" -> MAY;
            case "encrypt", "fingerprint" -> ENCRYPT;
            case "verify" -> VERIFY;
            case "secure" -> SECURE;
            default -> throw new IllegalArgumentException("unknown smtp_tls_security_level: " + level);
        };
    }
}
