/**
 * Turns a received message into a queue file: Received, Message-ID and Date headers, then the
 * durable commit.
 *
 * <p>SECURITY: sees message content exactly as a client sent it; holds at most one header
 * ({@code header_size_limit} bytes) in memory and streams the body, so a hostile message costs
 * disk, not heap. Talks only to the queue.
 */
package org.bulwark.cleanup;
