package org.bulwark.tls;

import javax.net.ssl.SSLSession;

/**
 * What a TLS handshake agreed on, in the words Postfix uses in its log and Received header:
 * {@code TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)}. Cipher names are the IANA
 * ones the JDK uses, where Postfix shows OpenSSL's (the TLS 1.3 names are the same in both).
 */
public record TlsSummary(String protocol, String cipher, int bits) {

    public static TlsSummary of(SSLSession session) {
        String suite = session.getCipherSuite();
        return new TlsSummary(session.getProtocol(), suite, CipherPolicy.bits(suite));
    }

    /** {@code TLSv1.3 with cipher X (256/256 bits)}. */
    public String describe() {
        return protocol + " with cipher " + cipher + " (" + bits + "/" + bits + " bits)";
    }

    /** smtpd's log line after the handshake (smtpd_tls_loglevel 1 and up). */
    public String connectionLine(String nameAndAddress) {
        return "Anonymous TLS connection established from " + nameAndAddress + ": " + describe();
    }
}
