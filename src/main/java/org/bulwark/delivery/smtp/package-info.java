/**
 * The SMTP client delivery agent, Postfix's smtp(8), also serving the {@code relay} transport: MX
 * selection, the ESMTP dialogue with PIPELINING, SIZE, 8BITMIME, SMTPUTF8 and DSN, STARTTLS per
 * {@code smtp_tls_security_level}, {@code smtp_tls_policy_maps} and MTA-STS (RFC 8461), SASL AUTH
 * to relays, per-stage timeouts, a cache of idle connections, and the TLS sessions it makes
 * reported for SMTP TLS Reporting (RFC 8460, {@link org.bulwark.delivery.smtp.TlsSessionReports}).
 *
 * <p>SECURITY: talks to remote SMTP servers chosen by DNS; everything they send is untrusted and
 * only parsed as SMTP replies (line length and count bounded). Reads queue files; needs no
 * privilege. Certificates are checked against {@code smtp_tls_CAfile} and {@code smtp_tls_CApath}
 * when the level asks for it,
 * or against TLSA records (DANE) that the resolvers in {@code dns_servers} vouched for with the AD
 * bit: those resolvers must validate DNSSEC and be reached over a path no one can tamper with.
 * MTA-STS policies come over HTTPS from {@code mta-sts.<domain>} (resolved through {@code
 * dns_servers}, certificate checked against the system's CAs and {@code smtp_tls_CAfile}), bounded
 * in size and time, parsed strictly, and cached as files in {@code smtp_mta_sts_cache_directory}.
 * Holds relay passwords from {@code smtp_sasl_password_maps} (a file only its owner and group may
 * read); never logs them, and never sends them in the clear unless the security options allow it.
 */
package org.bulwark.delivery.smtp;
