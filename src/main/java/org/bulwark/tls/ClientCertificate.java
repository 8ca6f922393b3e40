package org.bulwark.tls;

import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * What smtpd knows of the certificate a client presented, in Postfix's terms: the subject
 * CommonName, the issuer's CommonName (its Organization when it has no CN, as Postfix's
 * tls_issuer_CN does), the certificate and public key fingerprints in the
 * smtpd_tls_fingerprint_digest, and whether it verified against smtpd_tls_CAfile and
 * smtpd_tls_CApath ({@code problem} says why not).
 */
public record ClientCertificate(String subjectCn, String issuerCn, String fingerprint,
        String publicKeyFingerprint, boolean trusted, String problem) {

    static ClientCertificate of(X509Certificate leaf, Fingerprints digest, String problem) {
        return new ClientCertificate(
                name(leaf.getSubjectX500Principal().getEncoded(), BCStyle.CN),
                issuerName(leaf),
                digest.certificate(leaf),
                digest.publicKey(leaf),
                problem == null,
                problem);
    }

    private static String issuerName(X509Certificate leaf) {
        String cn = name(leaf.getIssuerX500Principal().getEncoded(), BCStyle.CN);
        return cn.isEmpty() ? name(leaf.getIssuerX500Principal().getEncoded(), BCStyle.O) : cn;
    }

    /** The first value of one attribute of a distinguished name, or "" when it has none. */
    private static String name(byte[] encoded, ASN1ObjectIdentifier attribute) {
        RDN[] rdns = X500Name.getInstance(encoded).getRDNs(attribute);
        if (rdns.length == 0 || rdns[0].getFirst() == null) {
            return "";
        }
        return IETFUtils.valueToString(rdns[0].getFirst().getValue());
    }

    /**
     * Postfix's log line with the certificate's names and fingerprints (smtpd_tls_loglevel 2 and
     * up): {@code host[addr]: subject_CN=..., issuer=..., fingerprint=..., pkey_fingerprint=...}.
     */
    public String logLine(String nameAndAddress) {
        return nameAndAddress + ": subject_CN=" + subjectCn + ", issuer=" + issuerCn + ", fingerprint="
                + fingerprint + ", pkey_fingerprint=" + publicKeyFingerprint;
    }

    /** Postfix's line for a certificate that did not verify. */
    public String verificationFailedLine(String nameAndAddress) {
        return "certificate verification failed for " + nameAndAddress + ": " + problem;
    }

    /**
     * The Received header's comment: {@code Client CN "x", Issuer "y" (verified OK)}, with the
     * names made safe for a comment (RFC 5322 §3.2.2).
     */
    public String receivedComment() {
        return "Client CN \"" + commentSafe(subjectCn) + "\", Issuer \"" + commentSafe(issuerCn) + "\" ("
                + (trusted ? "verified OK" : "not verified") + ")";
    }

    private static String commentSafe(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                b.append('?');
            } else if (c == '(' || c == ')' || c == '\\' || c == '"') {
                b.append('\\').append(c);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
