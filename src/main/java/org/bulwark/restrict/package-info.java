/**
 * smtpd_*_restrictions parsed once into objects and evaluated per stage to DUNNO, PERMIT, REJECT
 * or DEFER with Postfix's replies.
 *
 * <p>Security: judges untrusted input (client address, HELO name, envelope addresses) against
 * the operator's lists; it opens tables only while the configuration is read, writes nothing but
 * log lines, and never talks to the network. Its answer decides whether this server is an open
 * relay, so the relay check is mandatory (as in Postfix) and sender-chosen routes
 * ({@code user%host@}, {@code host!user@}, quoted {@code @}) are judged by where they lead.
 */
package org.bulwark.restrict;
