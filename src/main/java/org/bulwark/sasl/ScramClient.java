package org.bulwark.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding, for the SMTP
 * client's AUTH: client-first, the proof in client-final, and the check of the server's signature
 * in server-final, which proves that the server knew the password too (mutual authentication).
 * One instance per exchange; not thread-safe.
 */
public final class ScramClient {

    /** RFC 5802 §7: "n,," is a client that does not support channel binding, with no authzid. */
    private static final String GS2_HEADER = "n,,";
    /** A server that asks for more work than this is refused rather than obeyed (a stall or a DoS). */
    private static final int MAX_ITERATIONS = 1_000_000;

    private final String username;
    private final String password;
    private final String clientNonce;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    public ScramClient(String username, String password) {
        this(username, password, ScramCredentials.nonce());
    }

    /** With a fixed nonce, for RFC 7677's test vector. */
    public ScramClient(String username, String password, String clientNonce) {
        this.username = username;
        this.password = password;
        this.clientNonce = clientNonce;
    }

    /** The client-first message: {@code n,,n=user,r=nonce}. */
    public String clientFirst() {
        clientFirstBare = "n=" + saslName(username) + ",r=" + clientNonce;
        return GS2_HEADER + clientFirstBare;
    }

    /**
     * The client-final message with the proof, given the server-first message.
     *
     * @throws IllegalArgumentException when server-first is malformed, its nonce does not extend
     *         ours, or it asks for an unreasonable iteration count
     */
    public String clientFinal(String serverFirst) {
        String nonce = ScramCredentials.attribute(serverFirst, 'r');
        String salt = ScramCredentials.attribute(serverFirst, 's');
        String count = ScramCredentials.attribute(serverFirst, 'i');
        if (serverFirst.startsWith("m=") || nonce == null || salt == null || count == null) {
            throw new IllegalArgumentException(SaslTexts.MALFORMED);
        }
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
            throw new IllegalArgumentException(SaslTexts.NONCE_MISMATCH);
        }
        int iterations;
        byte[] saltBytes;
        try {
            iterations = Integer.parseInt(count);
            saltBytes = Base64.getDecoder().decode(salt);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SaslTexts.MALFORMED);
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException(SaslTexts.MALFORMED);
        }
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.UTF_8))
                + ",r=" + nonce;
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] salted = ScramCredentials.saltedPassword(password, saltBytes, iterations);
        byte[] clientKey = ScramCredentials.hmac(salted, "Client Key");
        byte[] clientSignature = ScramCredentials.hmac(ScramCredentials.sha256(clientKey), authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
        }
        expectedServerSignature = ScramCredentials.hmac(ScramCredentials.hmac(salted, "Server Key"), authMessage);
        return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    }

    /** Whether server-final ({@code v=signature}) proves the server knows the password. */
    public boolean serverFinalValid(String serverFinal) {
        String v = ScramCredentials.attribute(serverFinal, 'v');
        if (v == null || expectedServerSignature == null) {
            return false;
        }
        try {
            return MessageDigest.isEqual(Base64.getDecoder().decode(v), expectedServerSignature);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** RFC 5802 §5.1: "=" and "," in a name are written =3D and =2C. */
    private static String saslName(String name) {
        return name.replace("=", "=3D").replace(",", "=2C");
    }


}
