package org.bulwark.sasl;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * SCRAM-SHA-256 keys (RFC 5802 §3, RFC 7677): what a server stores instead of the password.
 * Dovecot's form is {@code iterations,salt,StoredKey,ServerKey} in base64. Also the pieces of the
 * exchange both sides use (attributes, nonces).
 */
record ScramCredentials(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {

    /** RFC 7677 §4 asks for at least 4096 iterations; Dovecot uses 4096. */
    static final int DEFAULT_ITERATIONS = 4096;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    static ScramCredentials derive(String password, byte[] salt, int iterations) {
        byte[] salted = saltedPassword(password, salt, iterations);
        byte[] clientKey = hmac(salted, "Client Key");
        return new ScramCredentials(iterations, salt, sha256(clientKey), hmac(salted, "Server Key"));
    }

    static ScramCredentials parse(String dovecotForm) {
        String[] parts = dovecotForm.split(",");
        if (parts.length != 4) {
            throw new IllegalArgumentException("not a SCRAM-SHA-256 hash");
        }
        Base64.Decoder d = Base64.getDecoder();
        return new ScramCredentials(Integer.parseInt(parts[0]), d.decode(parts[1]), d.decode(parts[2]),
                d.decode(parts[3]));
    }

    String dovecotForm() {
        Base64.Encoder e = Base64.getEncoder();
        return iterations + "," + e.encodeToString(salt) + "," + e.encodeToString(storedKey) + ","
                + e.encodeToString(serverKey);
    }

    boolean matches(String password) {
        return PasswordScheme.same(derive(password, salt, iterations).storedKey, storedKey);
    }

    /** Hi() of RFC 5802 §2.2 is PBKDF2 with HMAC-SHA-256 and one block. */
    static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        try {
            SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            return f.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(byte[] key, String text) {
        return hmac(key, text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The value of {@code x=} in a SCRAM attribute list (RFC 5802 §5.1), or null. */
    static String attribute(String list, char name) {
        for (String part : list.split(",")) {
            if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
                return part.substring(2);
            }
        }
        return null;
    }

    /** A fresh nonce: 18 random bytes, base64 (printable, without a comma). */
    static String nonce() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
