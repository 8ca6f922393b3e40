/**
 * smtpd_*_restrictions parsed once into objects and evaluated per stage to DUNNO, PERMIT, REJECT
 * or DEFER with Postfix's replies.
 *
 * <p>SECURITY: judges untrusted input (client address, HELO name, envelope addresses) against
 * the operator's lists; it opens tables only while the configuration is read, writes nothing but
 * log lines, and talks to the network only through the {@code dns} package's resolver (DNS lists,
 * reject_unknown_*, MX/NS lookups) and the {@code verify} package's cache (reject_unverified_*,
 * which may be in Redis; a cache that fails defers, never passes). A DNS answer is never trusted to refuse for good when it is a
 * failure: that defers (4xx), as Postfix's defer_if_permit does. Its answer decides whether
 * this server is an open relay, so the relay check is mandatory (as in Postfix) and
 * sender-chosen routes ({@code user%host@}, {@code host!user@}, quoted {@code @}) are judged by
 * where they lead.
 */
package org.bulwark.restrict;
