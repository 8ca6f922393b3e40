package org.bulwark.milter;

/** What the caller knows at each stage, from which the macros are made (as Postfix's smtpd_milter.c makes them). */
public final class MilterFacts {

    private MilterFacts() {
    }

    /**
     * The client at connect time.
     *
     * @param name        the verified client name, or "unknown" ({@code {client_name}})
     * @param reverseName the name its address's PTR gives, or "unknown" ({@code {client_ptr}})
     * @param address     the client's IP address, or "unknown" ({@code {client_addr}})
     * @param port        the client's port, 0 when unknown ({@code {client_port}})
     * @param daemonAddress the local address the client connected to ({@code {daemon_addr}})
     * @param daemonPort  the local port ({@code {daemon_port}})
     */
    public record Client(String name, String reverseName, String address, int port, String daemonAddress,
            int daemonPort) {

        /** The client of locally posted mail, as Postfix's cleanup presents it to non_smtpd_milters. */
        public static Client local() {
            return new Client("localhost", "localhost", "127.0.0.1", 0, "127.0.0.1", 0);
        }
    }

    /**
     * TLS after STARTTLS: {@code {tls_version}}, {@code {cipher}}, {@code {cipher_bits}}; the
     * certificate's subject and issuer CN only when the certificate is trusted, else null.
     */
    public record Tls(String protocol, String cipher, int bits, String certSubject, String certIssuer) { }

    /** SASL: {@code {auth_type}} (mechanism), {@code {auth_authen}} (login), {@code {auth_author}} (AUTH= sender, or null). */
    public record Auth(String mechanism, String username, String sender) { }

    /**
     * An envelope address with where it resolves ({@code {mail_addr} {mail_host} {mail_mailer}},
     * {@code {rcpt_addr} {rcpt_host} {rcpt_mailer}}): the address without angle brackets ("" for
     * the null sender), the next hop and the transport; host and transport may be null.
     */
    public record Address(String address, String host, String transport) {

        public static Address of(String address) {
            return new Address(address, null, null);
        }
    }
}
