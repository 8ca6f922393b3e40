/**
 * Postfix's anvil: per-client connection counts and connection, message, recipient and AUTH
 * rates, with the counters in memory or in Redis (several nodes, one limit).
 *
 * <p>SECURITY: counts what untrusted clients do; keys are client addresses only. A counter store
 * that fails makes every set limit a temporary refusal (fail closed, where Postfix's smtpd skips
 * the limits when anvil is unreachable); a Redis outage is logged once when it begins and once
 * when it ends.
 */
package org.bulwark.anvil;
