package org.bulwark.delivery.smtp;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.dns.TlsaRecord;

/**
 * {@code smtp_tls_fingerprint_cert_match} for the {@code fingerprint} level: each fingerprint, in
 * the {@code smtp_tls_fingerprint_digest} algorithm, matches the server certificate or its public
 * key, which is how Postfix (2.9 and later) turns them into DANE-EE associations.
 */
final class Fingerprints {

    /** Postfix's digest names (OpenSSL's) and the JDK's. */
    private static final Map<String, String> DIGESTS = Map.of("md5", "MD5", "sha1", "SHA-1", "sha224", "SHA-224",
            "sha256", "SHA-256", "sha384", "SHA-384", "sha512", "SHA-512");

    private Fingerprints() {
    }

    /** The associations, none when the level is not {@code fingerprint}; a bad entry is a config error. */
    static List<TlsPolicy.Association> parse(SmtpSettings settings, Config config) {
        if (settings.tlsLevel() != TlsLevel.FINGERPRINT) {
            return List.of();
        }
        String digest = DIGESTS.get(settings.fingerprintDigest());
        int length = length(digest);
        List<TlsPolicy.Association> out = new ArrayList<>();
        for (String item : settings.fingerprints()) {
            for (String fingerprint : item.split("[\\s,|]+")) {
                if (fingerprint.isEmpty()) {
                    continue;
                }
                byte[] bytes = decode(fingerprint);
                if (bytes == null || bytes.length != length) {
                    throw new ConfigException(SmtpTexts.badFingerprint(fingerprint, settings.fingerprintDigest(), length))
                            .locatedIn(config);
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
