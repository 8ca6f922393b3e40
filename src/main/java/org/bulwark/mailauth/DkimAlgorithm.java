package org.bulwark.mailauth;

/** The signing algorithms Bulwark signs and verifies with (RFC 6376 §3.3, RFC 8463 §3). */
public enum DkimAlgorithm {
    RSA_SHA256("rsa-sha256", "rsa"),
    ED25519_SHA256("ed25519-sha256", "ed25519");

    private final String keyword;
    private final String keyType;

    DkimAlgorithm(String keyword, String keyType) {
        this.keyword = keyword;
        this.keyType = keyType;
    }

    /** The {@code a=} value. */
    public String keyword() {
        return keyword;
    }

    /** The {@code k=} value of the key record. */
    public String keyType() {
        return keyType;
    }

    static DkimAlgorithm of(String keyword) {
        for (DkimAlgorithm a : values()) {
            if (a.keyword.equalsIgnoreCase(keyword.strip())) {
                return a;
            }
        }
        // rsa-sha1 is historic (RFC 8301 §3.1): verifiers must not accept it.
        throw new IllegalArgumentException("unsupported algorithm " + keyword);
    }
}
