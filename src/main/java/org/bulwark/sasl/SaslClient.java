package org.bulwark.sasl;

/**
 * What a backend may want to know about the SMTP client: addresses for Dovecot's lip/rip and
 * whether the connection is encrypted (Dovecot's {@code secured}).
 */
public record SaslClient(String clientAddress, String localAddress, boolean secured) {
}
