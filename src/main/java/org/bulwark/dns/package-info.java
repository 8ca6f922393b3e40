/**
 * Name resolution through dnsjava: addresses, MX, NS, TXT, PTR, TLSA and forward-confirmed reverse
 * names, with results that tell "not found" from a temporary failure, and a cache that keeps
 * answers for their TTL (negative ones for the SOA minimum, RFC 2308) but never keeps a failure.
 * DNSSEC questions (for DANE) set DO and AD and report the resolver's AD bit; this package does
 * not validate signatures itself.
 *
 * <p>SECURITY: talks only to the DNS servers in {@code dns_servers} (or the system's, when that is
 * empty); loopback addresses and {@code localhost} are answered locally and never queried. Answers
 * are data from the network: callers validate names before using them in replies or file names.
 */
package org.bulwark.dns;
