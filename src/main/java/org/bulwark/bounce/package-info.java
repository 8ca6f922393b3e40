/**
 * Delivery status notifications (RFC 3464) in Postfix's wording: non-delivery reports, delay
 * warnings, success reports and postmaster double bounces, written as messages for cleanup to queue.
 *
 * <p>SECURITY: talks to nobody; reads the original message from its queue file to return it (whole
 * or headers only, per RET, cut at {@code bounce_size_limit}). Everything it writes goes back to
 * the envelope sender, never to an address found in the message.
 */
package org.bulwark.bounce;
