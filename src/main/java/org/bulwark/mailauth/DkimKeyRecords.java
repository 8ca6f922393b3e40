package org.bulwark.mailauth;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

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
}
