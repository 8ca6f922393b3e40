/**
 * The SMTP codec: command and path parsing, ESMTP parameters, DATA and BDAT framing, reply texts,
 * and the PROXY protocol header a load balancer sends before SMTP; no sockets of its own (it reads
 * a given InputStream), tested byte by byte.
 *
 * <p>SECURITY: everything here parses input from untrusted clients. Lines are bounded by
 * {@code line_length_limit}; message content is streamed, never held whole; only CRLF.CRLF ends
 * DATA (no SMTP smuggling); a PROXY header is framed to its declared end and at most 536 bytes. Every reply text is in {@link org.bulwark.protocol.Replies}.
 */
package org.bulwark.protocol;
