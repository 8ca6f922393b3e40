package org.bulwark.tls;

import javax.net.ssl.SSLSession;

/**
 * What a TLS handshake agreed on, in the words Postfix uses in its log and Received header:
 * {@code TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)}. Cipher names are the IANA
 * ones the JDK uses, where Postfix shows OpenSSL's (the TLS 1.3 names are the same in both).
 *
 * @param clientCertificate what the client presented, or null when it sent none
 * @param certificateAsked  whether the server asked for a client certificate (smtpd_tls_ask_ccert)
 */
public record TlsSummary(String protocol, String cipher, int bits, ClientCertificate clientCertificate,
        boolean certificateAsked) {

    /** A session in which no client certificate was asked for. */
    public TlsSummary(String protocol, String cipher, int bits) {
        this(protocol, cipher, bits, null, false);
    }

    public static TlsSummary of(SSLSession session) {
        String suite = session.getCipherSuite();
        return new TlsSummary(session.getProtocol(), suite, CipherPolicy.bits(suite));
    }

    /** {@code TLSv1.3 with cipher X (256/256 bits)}. */
    public String describe() {
        return protocol + " with cipher " + cipher + " (" + bits + "/" + bits + " bits)";
    }

    /** Whether the client presented a certificate that verified. */
    public boolean clientTrusted() {
        return clientCertificate != null && clientCertificate.trusted();
    }

    /**
     * smtpd's log line after the handshake (smtpd_tls_loglevel 1 and up): Anonymous without a
     * client certificate, Trusted when it verified, Untrusted when it did not (Postfix's
     * tls_server_post_accept).
     */
    public String connectionLine(String nameAndAddress) {
        String trust = clientCertificate == null ? "Anonymous" : clientCertificate.trusted() ? "Trusted" : "Untrusted";
        return trust + " TLS connection established from " + nameAndAddress + ": " + describe();
    }

    /**
     * The Received header's second comment: the client certificate, or that none was presented
     * or asked for (Postfix's smtpd with smtpd_tls_received_header = yes).
     */
    public String receivedClientComment() {
        if (clientCertificate != null) {
            return clientCertificate.receivedComment();
        }
        return certificateAsked ? "Client did not present a certificate" : "No client certificate requested";
    }
}
