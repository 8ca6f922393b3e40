package org.bulwark.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * smtpd_tls_fingerprint_digest: certificate and public key fingerprints as Postfix writes them,
 * upper-case hex bytes joined by colons ({@code openssl x509 -noout -fingerprint -sha256}). The
 * public key fingerprint is the digest of the DER SubjectPublicKeyInfo, so it survives a renewal
 * that keeps the key.
 */
public final class Fingerprints {

    /** The names Postfix accepts (those libssl uses), with the JDK's names for them. */
    private static final Map<String, String> DIGESTS = Map.of(
            "md5", "MD5", "sha1", "SHA-1", "sha224", "SHA-224", "sha256", "SHA-256", "sha384", "SHA-384",
            "sha512", "SHA-512");

    private final String algorithm;

    private Fingerprints(String algorithm) {
        this.algorithm = algorithm;
    }

    /** @throws TlsException for a digest name Postfix does not know */
    public static Fingerprints of(String name) throws TlsException {
        return new Fingerprints(jdkName(name).orElseThrow(() -> new TlsException(TlsTexts.unknownDigest(name))));
    }

    /** The JDK's name of a digest Postfix names ({@code sha256}: {@code SHA-256}); empty for one Postfix does not know. */
    public static Optional<String> jdkName(String name) {
        return Optional.ofNullable(DIGESTS.get(name.trim().toLowerCase(Locale.ROOT)));
    }

    public String certificate(X509Certificate certificate) {
        try {
            return format(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            return "";
        }
    }

    public String publicKey(X509Certificate certificate) {
        // An X.509 public key encodes as its SubjectPublicKeyInfo, the bytes Postfix digests.
        return format(certificate.getPublicKey().getEncoded());
    }

    String format(byte[] data) {
        try {
            byte[] digest = MessageDigest.getInstance(algorithm).digest(data);
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
