/**
 * The SMTP codec: command and path parsing, ESMTP parameters, DATA and BDAT framing, reply texts;
 * no sockets of its own (it reads a given InputStream), tested byte by byte.
 *
 * <p>SECURITY: everything here parses input from untrusted clients. Lines are bounded by
 * {@code line_length_limit}; message content is streamed, never held whole; only CRLF.CRLF ends
 * DATA (no SMTP smuggling). Every reply text is in {@link org.bulwark.protocol.Replies}.
 */
package org.bulwark.protocol;
