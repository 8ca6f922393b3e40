package org.bulwark.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * One private key with its certificate chain, leaf first. A server may hold several, e.g. an RSA
 * and an ECDSA one side by side; the TLS handshake picks the one the client supports.
 */
public record ServerCredential(PrivateKey key, List<X509Certificate> chain) {

    public ServerCredential {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a credential needs a certificate");
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** RSA, EC, Ed25519, ... as the key's algorithm names it. */
    public String algorithm() {
        return key.getAlgorithm();
    }
}
