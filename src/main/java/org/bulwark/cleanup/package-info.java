/**
 * Turns a received message into a queue file: Received, Message-ID and Date headers, header and
 * body checks (header_checks(5), MIME parts followed as the message streams), DKIM signing of
 * trusted mail or SPF/DKIM/DMARC checks of mail from outside (Authentication-Results), the
 * milters' verdict and edits at the end of the message (before signing), then the durable commit.
 *
 * <p>SECURITY: sees message content exactly as a client sent it; holds at most one header
 * ({@code header_size_limit} bytes) or one body line (2048 bytes) in memory and streams the body,
 * so a hostile message costs disk, not heap; check patterns are the administrator's, never the
 * client's. A message to be signed or checked keeps its header block in memory (bounded by
 * the message size limit) and its body in a private temporary file until the end; so does a
 * message the milters judge (its body in memory up to 256 KiB, beyond that in a private temporary
 * file), and a body a milter replaces is read from where the milter client spilled it. Talks only to
 * the queue, for checks to DNS, and to the milters through the session smtpd or pickup hands it.
 */
package org.bulwark.cleanup;
