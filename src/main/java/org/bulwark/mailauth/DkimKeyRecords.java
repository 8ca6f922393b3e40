package org.bulwark.mailauth;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;

/** The DNS TXT record that publishes a signing key (RFC 6376 §3.6.1, RFC 8463 §4). */
public final class DkimKeyRecords {

    /** The X.509 SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410 §4); the 32 key bytes follow. */
    private static final int ED25519_SPKI_PREFIX = 12;

    private DkimKeyRecords() {
    }

    /** {@code v=DKIM1; k=rsa; p=...}: RSA keys as SubjectPublicKeyInfo, Ed25519 keys bare. */
    public static String txt(PublicKey key) {
        boolean ed25519 = key.getAlgorithm().equalsIgnoreCase("Ed25519") || key.getAlgorithm().equalsIgnoreCase("EdDSA");
        byte[] encoded = key.getEncoded();
        byte[] p = ed25519 ? Arrays.copyOfRange(encoded, ED25519_SPKI_PREFIX, encoded.length) : encoded;
        return "v=DKIM1; k=" + (ed25519 ? "ed25519" : "rsa") + "; p=" + Base64.getEncoder().encodeToString(p);
    }

    /**
     * The record as zone-file text, in strings of at most 255 characters (RFC 1035 §3.3.14), the
     * way opendkim-genkey prints it.
     */
    public static String zoneEntry(String selector, String domain, PublicKey key) {
        String txt = txt(key);
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < txt.length(); i += 250) {
            strings.add("\"" + txt.substring(i, Math.min(txt.length(), i + 250)) + "\"");
        }
        return selector + "._domainkey\tIN\tTXT\t( " + String.join("\n\t  ", strings) + " )  ; ----- DKIM key "
                + selector + " for " + domain;
    }

    /**
     * The public half of a signing key read from its file: RSA from the private key's CRT
     * parameters, Ed25519 derived from its seed (RFC 8032 §5.1.5).
     *
     * @throws GeneralSecurityException for a key that does not sign DKIM
     */
    public static PublicKey publicKeyOf(PrivateKey key) throws GeneralSecurityException {
        if (key instanceof RSAPrivateCrtKey rsa) {
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
        }
        try {
            if (PrivateKeyFactory.createKey(key.getEncoded()) instanceof Ed25519PrivateKeyParameters ed) {
                SubjectPublicKeyInfo info = new SubjectPublicKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519),
                        ed.generatePublicKey().getEncoded());
                return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(info.getEncoded()));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidKeyException(key.getAlgorithm() + " key: " + e.getMessage(), e);
        }
        throw new InvalidKeyException(key.getAlgorithm() + " keys do not sign DKIM");
    }

    /**
     * Whether a published key record holds the public half of {@code key}, read as a verifier
     * reads it (RFC 6376 §3.6.1): a revoked, malformed or too short key is not this one.
     */
    public static boolean publishes(String txt, PrivateKey key) throws GeneralSecurityException {
        DkimKey published = DkimKey.parse(txt, DkimKeyFiles.algorithmOf(key));
        return published.usable() && Arrays.equals(published.key().getEncoded(), publicKeyOf(key).getEncoded());
    }
}
