/**
 * SMTP AUTH's server side (RFC 4954): the PLAIN, LOGIN and SCRAM-SHA-256 mechanisms and the
 * password backends behind them: a Dovecot-style passwd-file, Dovecot's auth socket and saslauthd;
 * and SCRAM-SHA-256's client side, for the SMTP client's AUTH to a relay.
 *
 * <p>SECURITY: handles passwords from untrusted clients. Passwords are never logged; stored hashes
 * are compared in constant time; an unknown user and a wrong password fail alike.
 */
package org.bulwark.sasl;
