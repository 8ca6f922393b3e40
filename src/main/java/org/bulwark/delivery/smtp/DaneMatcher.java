package org.bulwark.delivery.smtp;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.bulwark.dns.TlsaRecord;

/**
 * Matches a server's certificate chain against certificate associations, as RFC 7671 §5 and
 * RFC 7672 §3 ask of an SMTP client: DANE-EE(3) matches the server's own certificate or key and
 * ignores names and dates; DANE-TA(2) matches an issuer in the chain (or a bare key that signed
 * the top of the chain), from which the rest must validate as PKIX, and the server certificate
 * must then name one of the expected hosts. PKIX-TA(0) and PKIX-EE(1) are not used for SMTP
 * (RFC 7672 §3.1.3) and never reach this class.
 */
final class DaneMatcher {

    private DaneMatcher() {
    }

    /** Whether a TLSA record is one this client can act on (RFC 7672 §2.2: others are "unusable"). */
    static boolean usable(TlsaRecord r) {
        boolean usage = r.usage() == TlsaRecord.DANE_TA || r.usage() == TlsaRecord.DANE_EE;
        boolean selector = r.selector() == TlsaRecord.CERT || r.selector() == TlsaRecord.SPKI;
        int length = r.data().length;
        boolean matching = r.matchingType() == TlsaRecord.FULL && length > 0
                || r.matchingType() == TlsaRecord.SHA2_256 && length == 32
                || r.matchingType() == TlsaRecord.SHA2_512 && length == 64;
        return usage && selector && matching;
    }

    static TlsPolicy.Association association(TlsaRecord r) {
        String digest = switch (r.matchingType()) {
            case TlsaRecord.SHA2_256 -> "SHA-256";
            case TlsaRecord.SHA2_512 -> "SHA-512";
            default -> null;
        };
        return new TlsPolicy.Association(r.usage(), r.selector(), digest, r.data());
    }

    /** Whether the chain (server certificate first) satisfies one of the associations. */
    static boolean matches(X509Certificate[] chain, List<TlsPolicy.Association> associations, List<String> names) {
        if (chain.length == 0) {
            return false;
        }
        for (TlsPolicy.Association a : associations) {
            if (a.usage() == TlsaRecord.DANE_EE && matches(chain[0], a)) {
                return true;
            }
        }
        for (TlsPolicy.Association a : associations) {
            if (a.usage() == TlsaRecord.DANE_TA && trustAnchorMatches(chain, a, names)) {
                return true;
            }
        }
        return false;
    }

    private static boolean trustAnchorMatches(X509Certificate[] chain, TlsPolicy.Association a, List<String> names) {
        // RFC 7672 §3.2.3: with a trust anchor, the server certificate must name the TLSA base
        // domain (or the nexthop domain), as in PKIX.
        if (!ClientTls.matches(chain[0], names)) {
            return false;
        }
        for (int depth = 1; depth < chain.length; depth++) {
            if (matches(chain[depth], a) && validates(Arrays.copyOf(chain, depth), new TrustAnchor(chain[depth], null))) {
                return true;
            }
        }
        // RFC 7671 §5.2.2: a "2 1 0" record may hold a key the server does not send; it must
        // then have signed the top certificate of the chain.
        if (a.selector() == TlsaRecord.SPKI && a.digest() == null) {
            PublicKey key = publicKey(a.data());
            return key != null && validates(chain,
                    new TrustAnchor(chain[chain.length - 1].getIssuerX500Principal(), key, null));
        }
        return false;
    }

    /** PKIX path validation of {@code path} (server certificate first) up to the anchor, without revocation. */
    private static boolean validates(X509Certificate[] path, TrustAnchor anchor) {
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(List.of(path));
            PKIXParameters parameters = new PKIXParameters(Set.of(anchor));
            // Revocation needs the network and is not part of DANE (RFC 7671 §5.2.2).
            parameters.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
            return true;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static PublicKey publicKey(byte[] spki) {
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "DSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spki));
            } catch (GeneralSecurityException e) {
                // not a key of this algorithm; try the next
            }
        }
        return null;
    }

    /** One certificate against one association: the whole certificate or its key, digested or not. */
    static boolean matches(X509Certificate certificate, TlsPolicy.Association a) {
        try {
            byte[] selected = a.selector() == TlsaRecord.SPKI ? certificate.getPublicKey().getEncoded()
                    : certificate.getEncoded();
            byte[] value = a.digest() == null ? selected : MessageDigest.getInstance(a.digest()).digest(selected);
            return MessageDigest.isEqual(value, a.data());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
