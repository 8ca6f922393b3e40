/**
 * Postfix's anvil: per-client connection counts and connection, message, recipient and AUTH
 * rates, with the counters in memory or in Redis (several nodes, one limit).
 *
 * <p>SECURITY: counts what untrusted clients do; keys are client addresses only. A counter store
 * that fails is logged and the limit skipped, as Postfix's smtpd does when anvil is unreachable.
 */
package org.bulwark.anvil;
