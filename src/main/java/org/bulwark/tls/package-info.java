/**
 * TLS for the SMTP server: PEM keys and certificate chains (Bouncy Castle), the SSLContext with
 * Postfix's protocol and cipher settings, STARTTLS and wrapper-mode sockets, reload, and
 * self-signed certificates; and the one HTTPS request a mail server makes (an MTA-STS policy, a TLS
 * report), to addresses its own resolver found, with the certificate checked against the CAs and the
 * host name.
 *
 * <p>SECURITY: reads private keys from files the operator names; never logs key material. Only
 * TLS 1.2 and 1.3 are ever enabled, and export, RC4, DES/3DES, anonymous and NULL ciphers never.
 */
package org.bulwark.tls;
