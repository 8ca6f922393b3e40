/**
 * SMTP TLS Reporting (RFC 8460): the history of the SMTP client's TLS sessions per report domain,
 * and the daily gzipped JSON reports sent to the {@code rua} destinations a domain publishes at
 * {@code _smtp._tls.<domain>}, by mail through the queue or by HTTPS POST.
 *
 * <p>SECURITY: the history holds which servers this host sent to and from which address, so it is
 * the server's alone (0600 in a 0700 directory) and bounded in size. Report destinations come from
 * DNS, which anyone controls for their own domain: a domain only ever gets the report about its own
 * sessions. An https: destination is reached at addresses from our resolver, its certificate
 * checked against smtp_tls_CAfile (or the JDK's CAs) and its name; redirects are not followed.
 */
package org.bulwark.delivery.smtp.tlsrpt;
