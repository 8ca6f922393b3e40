package org.bulwark.mailauth;

import java.security.PrivateKey;
import java.util.Locale;

/** One signing key: the d= domain, the s= selector and the private key (KeyTable's columns). */
public record DkimSigningKey(String domain, String selector, DkimAlgorithm algorithm, PrivateKey privateKey) {

    public DkimSigningKey {
        domain = domain.toLowerCase(Locale.ROOT);
    }
}
