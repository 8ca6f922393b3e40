/**
 * Email authentication: SPF (RFC 7208), DKIM signing and verification (RFC 6376, RFC 8463),
 * DMARC (RFC 7489) and the Authentication-Results header (RFC 8601).
 *
 * <p>SECURITY: every record it reads (SPF, DKIM keys, DMARC policies) is data from the network
 * and is parsed defensively; DNS work per check is bounded (RFC 7208 §4.6.4 limits). Reads
 * private signing keys from files the configuration names; talks only to DNS.
 */
package org.bulwark.mailauth;
