/**
 * DMARC aggregate reports (RFC 7489 §7.2, Appendix C): the history of evaluated messages and the
 * gzipped XML reports sent to the {@code rua} addresses a domain publishes.
 *
 * <p>SECURITY: the history holds who wrote to whom from where, so it is the server's alone (0600
 * in a 0700 directory). Report destinations come from DNS, which anyone controls for their own
 * domain: a destination outside the policy domain gets reports only when it says so in DNS
 * (§7.1), and a report never exceeds the size a destination asks for.
 */
package org.bulwark.mailauth.report;
