package org.bulwark.mailauth;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;

/** A DKIM key record (RFC 6376 §3.6.1, RFC 8463 §4): the key, or the reason it cannot be used. */
record DkimKey(PublicKey key, boolean testing, String problem) {

    /** RFC 8301 §3.2: signatures by shorter RSA keys are not valid. */
    static final int MIN_RSA_BITS = 1024;

    static DkimKey parse(String txt, DkimAlgorithm algorithm) {
        Map<String, String> tags;
        try {
            tags = TagList.parse(txt);
        } catch (IllegalArgumentException e) {
            return bad("key record syntax: " + e.getMessage());
        }
        String v = tags.get("v");
        if (v != null && !v.equals("DKIM1")) {
            return bad("key record v=" + v);
        }
        String k = TagList.lower(tags.getOrDefault("k", "rsa"));
        if (!k.equals(algorithm.keyType())) {
            return bad("key type k=" + k + " does not fit a=" + algorithm.keyword());
        }
        String h = tags.get("h");
        if (h != null && !TagList.lower(h).contains("sha256")) {
            return bad("key record does not allow sha256");
        }
        String p = tags.get("p");
        if (p == null) {
            return bad("key record without p=");
        }
        String data = TagList.compact(p);
        if (data.isEmpty()) {
            return bad("key revoked");
        }
        boolean testing = tags.containsKey("t") && TagList.lower(tags.get("t")).matches("(.*:)?\\s*y\\s*(:.*)?");
        try {
            byte[] bytes = Base64.getDecoder().decode(data);
            PublicKey key = publicKey(bytes, algorithm);
            if (key instanceof java.security.interfaces.RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                return bad("RSA key shorter than 1024 bits");
            }
            return new DkimKey(key, testing, null);
        } catch (IllegalArgumentException | GeneralSecurityException | java.io.IOException e) {
            return bad("key data unusable");
        }
    }

    private static PublicKey publicKey(byte[] bytes, DkimAlgorithm algorithm)
            throws GeneralSecurityException, java.io.IOException {
        if (algorithm == DkimAlgorithm.ED25519_SHA256) {
            // RFC 8463 §4: p= is the bare 32-byte key, not a SubjectPublicKeyInfo.
            SubjectPublicKeyInfo info = new SubjectPublicKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), bytes);
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(info.getEncoded()));
        }
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        try {
            return rsa.generatePublic(new X509EncodedKeySpec(bytes));
        } catch (GeneralSecurityException e) {
            // Some publish a bare PKCS#1 RSAPublicKey; wrap it.
            SubjectPublicKeyInfo info = new SubjectPublicKeyInfo(
                    new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), bytes);
            return rsa.generatePublic(new X509EncodedKeySpec(info.getEncoded()));
        }
    }

    private static DkimKey bad(String problem) {
        return new DkimKey(null, false, problem);
    }

    boolean usable() {
        return key != null;
    }
}
