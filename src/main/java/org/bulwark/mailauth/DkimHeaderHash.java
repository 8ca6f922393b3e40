package org.bulwark.mailauth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;

/**
 * The data a DKIM signature covers (RFC 6376 §3.7) and the two algorithms' sign and verify steps
 * (RFC 8463 §3: Ed25519 signs the SHA-256 hash of the data, RSA signs the data with SHA-256).
 */
final class DkimHeaderHash {

    private DkimHeaderHash() {
    }

    /**
     * The signed header fields, each named instance taken from the bottom up and a missing one
     * contributing nothing (§5.4.2), then the DKIM-Signature field with an empty b= and no CRLF.
     */
    static byte[] signedData(List<HeaderField> headers, List<String> names, DkimCanonicalization c,
                             HeaderField signature) {
        StringBuilder data = new StringBuilder();
        List<HeaderField> unused = new ArrayList<>(headers);
        for (String name : names) {
            for (int i = unused.size() - 1; i >= 0; i--) {
                if (unused.get(i).is(name)) {
                    data.append(c.header(unused.remove(i)));
                    break;
                }
            }
        }
        String own = c.header(new HeaderField(signature.name(), withoutB(signature.raw())));
        data.append(own, 0, own.length() - 2);
        return data.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The field with the value of its b= tag, and the white space around it, removed (§3.5 b=). */
    static String withoutB(String raw) {
        int colon = raw.indexOf(':');
        int start = colon + 1;
        while (start <= raw.length()) {
            int end = raw.indexOf(';', start);
            if (end < 0) {
                end = raw.length();
            }
            String segment = raw.substring(start, end);
            int eq = segment.indexOf('=');
            if (eq >= 0 && segment.substring(0, eq).strip().equals("b")) {
                return raw.substring(0, start + eq + 1) + raw.substring(end);
            }
            start = end + 1;
        }
        return raw;
    }

    static byte[] sign(DkimAlgorithm algorithm, PrivateKey key, byte[] data) throws GeneralSecurityException {
        Signature s = signature(algorithm);
        s.initSign(key);
        s.update(input(algorithm, data));
        return s.sign();
    }

    static boolean verify(DkimAlgorithm algorithm, PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature s = signature(algorithm);
            s.initVerify(key);
            s.update(input(algorithm, data));
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Bouncy Castle's Ed25519 is several times faster than the JDK's; RSA stays with the JDK. */
    private static final java.security.Provider BOUNCY_CASTLE = new org.bouncycastle.jce.provider.BouncyCastleProvider();

    private static Signature signature(DkimAlgorithm algorithm) throws GeneralSecurityException {
        return algorithm == DkimAlgorithm.RSA_SHA256
                ? Signature.getInstance("SHA256withRSA")
                : Signature.getInstance("Ed25519", BOUNCY_CASTLE);
    }

    private static byte[] input(DkimAlgorithm algorithm, byte[] data) throws GeneralSecurityException {
        return algorithm == DkimAlgorithm.RSA_SHA256 ? data : MessageDigest.getInstance("SHA-256").digest(data);
    }
}
