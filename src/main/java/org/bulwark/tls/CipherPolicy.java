package org.bulwark.tls;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Postfix's cipher grades applied to the JDK's suites. Whatever the grade, export, RC4, DES and
 * 3DES, anonymous and NULL suites are never enabled (RFC 7525 §4.1); {@code high} also keeps only
 * AEAD suites. Lower grades ({@code low}, {@code export}, {@code null}) get {@code medium}: an old
 * main.cf must not weaken the server.
 */
public final class CipherPolicy {

    private CipherPolicy() {
    }

    public static List<String> enabled(String grade, String[] supported) {
        boolean high = grade.trim().toLowerCase(Locale.ROOT).equals("high");
        return Arrays.stream(supported)
                .filter(CipherPolicy::acceptable)
                .filter(s -> !high || aead(s))
                .toList();
    }

    /** Whether a suite is strong enough to offer at all. */
    public static boolean acceptable(String suite) {
        String s = suite.toUpperCase(Locale.ROOT);
        if (s.startsWith("TLS_EMPTY_RENEGOTIATION") || s.startsWith("TLS_FALLBACK_SCSV")) {
            return false;
        }
        return !(s.contains("_ANON_") || s.contains("_NULL") || s.contains("EXPORT") || s.contains("_RC4_")
                || s.contains("_DES_") || s.contains("3DES") || s.contains("DES40") || s.contains("_MD5")
                || s.startsWith("SSL_") || s.startsWith("TLS_KRB5"));
    }

    private static boolean aead(String suite) {
        return suite.contains("_GCM_") || suite.contains("CHACHA20") || suite.contains("_CCM");
    }

    /** The symmetric key size of a suite, for Postfix's {@code (256/256 bits)}. */
    static int bits(String suite) {
        if (suite.contains("AES_256") || suite.contains("CHACHA20")) {
            return 256;
        }
        if (suite.contains("AES_128")) {
            return 128;
        }
        return 0;
    }
}
