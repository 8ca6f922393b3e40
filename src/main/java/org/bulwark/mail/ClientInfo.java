package org.bulwark.mail;

/**
 * Who handed us a message: the client's verified host name ({@code unknown} when it has none), its
 * address, the HELO/EHLO argument, the protocol name for the Received header and log
 * ({@code SMTP}, {@code ESMTP}, {@code ESMTPA}, {@code ESMTPS}, {@code ESMTPSA}) and the SASL user
 * name or {@code null}; the SASL mechanism used, or {@code null}; the TLS details for the
 * Received header ({@code TLSv1.3 with cipher ... (256/256 bits)}), or {@code null} when the
 * session was not encrypted or smtpd_tls_received_header is off; whether the Received header
 * names the SASL user (smtpd_sasl_authenticated_header); and, beside the TLS details, what the
 * header says of the client certificate ({@code Client CN "x", Issuer "y" (verified OK)},
 * {@code Client did not present a certificate} or {@code No client certificate requested}).
 * When a content filter named the original client with XFORWARD, the fields above are that
 * client's, {@code connectedClient} is the filter as Postfix's {@code client=} log line names it
 * ({@code name[addr]}) and {@code originalQueueId} the queue ID it gave; both null otherwise.
 */
public record ClientInfo(String name, String address, String helo, String protocol, String saslUsername,
        String saslMethod, String tls, boolean authenticatedHeader, String tlsClientCertificate,
        String connectedClient, String originalQueueId) {

    /** A client that connected itself (no XFORWARD). */
    public ClientInfo(String name, String address, String helo, String protocol, String saslUsername,
            String saslMethod, String tls, boolean authenticatedHeader, String tlsClientCertificate) {
        this(name, address, helo, protocol, saslUsername, saslMethod, tls, authenticatedHeader, tlsClientCertificate,
                null, null);
    }

    /** A client whose session did not ask for a certificate. */
    public ClientInfo(String name, String address, String helo, String protocol, String saslUsername,
            String saslMethod, String tls, boolean authenticatedHeader) {
        this(name, address, helo, protocol, saslUsername, saslMethod, tls, authenticatedHeader,
                "No client certificate requested");
    }

    /** A client without TLS details or a SASL mechanism (queue files store only these fields). */
    public ClientInfo(String name, String address, String helo, String protocol, String saslUsername) {
        this(name, address, helo, protocol, saslUsername, null, null, false);
    }

    /** A message submitted on this host by the sendmail command. */
    public static ClientInfo local(String user) {
        return new ClientInfo("localhost", "127.0.0.1", null, "local", user);
    }

    public boolean isLocalSubmission() {
        return "local".equals(protocol);
    }

    /** {@code name[address]}, as Postfix writes a client in log lines. */
    public String nameAndAddress() {
        return name + "[" + address + "]";
    }
}
