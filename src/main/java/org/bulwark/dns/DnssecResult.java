package org.bulwark.dns;

/**
 * An answer to a DNSSEC question: the outcome, and whether the resolver validated it (the AD bit,
 * RFC 4035 §3.2.3). As in Postfix, the resolvers in {@code dns_servers} are trusted to validate;
 * a {@code secure} answer is only as good as that resolver and the path to it (RFC 6698 §4.1).
 */
public record DnssecResult<T>(DnsResult<T> result, boolean secure) {
}
