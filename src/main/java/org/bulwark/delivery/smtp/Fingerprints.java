package org.bulwark.delivery.smtp;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.dns.TlsaRecord;

/**
 * {@code smtp_tls_fingerprint_cert_match} for the {@code fingerprint} level: each fingerprint, in
 * the {@code smtp_tls_fingerprint_digest} algorithm, matches the server certificate or its public
 * key, which is how Postfix (2.9 and later) turns them into DANE-EE associations.
 */
final class Fingerprints {

    private Fingerprints() {
    }

    /** The associations, none when the level is not {@code fingerprint}; a bad entry is a config error. */
    static List<TlsPolicy.Association> parse(SmtpSettings settings, Config config) {
        if (settings.tlsLevel() != TlsLevel.FINGERPRINT) {
            return List.of();
        }
        try {
            return parse(settings.fingerprintDigest(), settings.fingerprints(), "[\\s,|]+", settings.prefix());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage()).locatedIn(config);
        }
    }

    /**
     * Fingerprints in the {@code smtp_tls_fingerprint_digest} algorithm, each item split at
     * {@code separators}; a malformed one throws with the text to show (naming the {@code p}
     * parameters, {@code smtp_} or {@code lmtp_}).
     */
    static List<TlsPolicy.Association> parse(String digestName, List<String> items, String separators, String p) {
        // The registry allows only the digests Postfix knows, so the name always maps.
        String digest = org.bulwark.tls.Fingerprints.jdkName(digestName).orElseThrow();
        int length = length(digest);
        List<TlsPolicy.Association> out = new ArrayList<>();
        for (String item : items) {
            for (String fingerprint : item.split(separators)) {
                String f = fingerprint.strip();
                if (f.isEmpty()) {
                    continue;
                }
                byte[] bytes = decode(f);
                if (bytes == null || bytes.length != length) {
                    throw new IllegalArgumentException(SmtpTexts.badFingerprint(p, f, digestName, length));
                }
                out.add(new TlsPolicy.Association(TlsaRecord.DANE_EE, TlsaRecord.CERT, digest, bytes));
                out.add(new TlsPolicy.Association(TlsaRecord.DANE_EE, TlsaRecord.SPKI, digest, bytes));
            }
        }
        return out;
    }

    private static int length(String digest) {
        try {
            return MessageDigest.getInstance(digest).getDigestLength();
        } catch (NoSuchAlgorithmException | NullPointerException e) {
            throw new IllegalStateException("digest " + digest + " missing from the JDK", e);
        }
    }

    /** {@code AB:CD:...} or {@code abcd...}; null when it is not hex. */
    private static byte[] decode(String text) {
        String hex = text.replace(":", "");
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
