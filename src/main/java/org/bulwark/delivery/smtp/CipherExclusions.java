package org.bulwark.delivery.smtp;

import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/**
 * A policy table's {@code exclude=} (OpenSSL cipher names and classes, Postfix's
 * smtp_tls_exclude_ciphers) against the cipher suites the JDK's client offers. The client cannot
 * remove suites per destination, so an exclusion is accepted only when it removes nothing the
 * client offers (the usual {@code aNULL:eNULL:EXPORT:DES:RC4:MD5:PSK:aECDH} lists), which is then
 * exactly what Postfix would do; one that would remove an offered suite, or a name this class does
 * not know, is refused rather than ignored.
 */
final class CipherExclusions {

    private CipherExclusions() {
    }

    /**
     * Checks an {@code exclude=} value.
     *
     * @throws IllegalArgumentException naming the first item that cannot be honoured
     */
    static void check(String value) {
        List<String> offered;
        try {
            offered = List.of(SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        check(value, offered);
    }

    static void check(String value, List<String> offered) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("attribute \"exclude\" has empty value");
        }
        for (String item : value.split("[\\s,:]+")) {
            if (item.isEmpty()) {
                continue;
            }
            Predicate<String> suites = suites(item);
            if (suites == null) {
                throw new IllegalArgumentException(SmtpTexts.policyNotImplemented("exclude=" + value,
                        "OpenSSL cipher names or classes this client knows (aNULL, eNULL, EXPORT, DES, 3DES, RC4, MD5, "
                                + "PSK, SRP, aECDH, aDSS, IDEA, SEED, CAMELLIA, KRB5 ...); \"" + item + "\" is not one"));
            }
            for (String suite : offered) {
                if (suites.test(suite.toUpperCase(Locale.ROOT))) {
                    throw new IllegalArgumentException(SmtpTexts.policyNotImplemented("exclude=" + value,
                            "exclusions of suites the client does not offer: \"" + item + "\" would remove " + suite
                                    + ", and the client cannot drop suites per destination"));
                }
            }
        }
    }

    /** The JDK suite names (upper case) an OpenSSL name or class stands for; null when unknown. */
    private static Predicate<String> suites(String item) {
        String i = item.startsWith("!") || item.startsWith("-") ? item.substring(1) : item;
        return switch (i.toUpperCase(Locale.ROOT)) {
            case "ANULL", "ADH" -> s -> s.contains("_ANON_");
            // OpenSSL's aECDH (ECDH-authenticated) and AECDH (anonymous ECDH) differ only in case.
            case "AECDH" -> s -> s.contains("_ANON_") || s.startsWith("TLS_ECDH_");
            case "ENULL", "NULL" -> s -> s.contains("WITH_NULL");
            case "EXPORT", "EXP", "EXPORT40", "EXPORT56" -> s -> s.contains("EXPORT");
            case "LOW", "DES" -> s -> s.contains("_DES_") || s.contains("DES40") || s.contains("3DES");
            case "3DES", "DES-CBC3" -> s -> s.contains("3DES");
            case "RC4" -> s -> s.contains("_RC4_");
            case "RC2" -> s -> s.contains("_RC2_");
            case "MD5" -> s -> s.endsWith("_MD5");
            case "IDEA", "SEED", "CAMELLIA", "ARIA", "PSK", "SRP", "KRB5" -> s -> s.contains(i.toUpperCase(Locale.ROOT));
            case "KECDHR", "KECDHA" -> s -> s.startsWith("TLS_ECDH_");
            case "ADSS", "DSS", "KDHD", "KDHR" -> s -> s.contains("_DSS_") || s.startsWith("TLS_DH_");
            default -> fullName(i.toUpperCase(Locale.ROOT));
        };
    }

    /** An OpenSSL suite name such as EDH-RSA-DES-CBC3-SHA: known only by its weak part. */
    private static Predicate<String> fullName(String name) {
        if (!name.contains("-")) {
            return null;
        }
        if (name.contains("DES-CBC3")) {
            return s -> s.contains("3DES");
        }
        if (name.contains("DES-CBC") || name.contains("DES40")) {
            return s -> s.contains("_DES_") || s.contains("DES40");
        }
        if (name.contains("RC4")) {
            return s -> s.contains("_RC4_");
        }
        if (name.contains("NULL")) {
            return s -> s.contains("WITH_NULL");
        }
        return null;
    }
}
