/**
 * The queue manager: scans active and deferred queues, resolves recipients, runs delivery agents, retries with backoff.
 * Address verification probes are routed with the address_verify_* overrides and their results go
 * to verify(8), never to a bounce or a retry.
 *
 * <p>SECURITY: talks to no network peer itself; it reads and rewrites queue files and hands
 * recipients to delivery agents in-process. It trusts the queue directory's contents only as far as
 * the queue package validates them (unreadable files go to corrupt/).
 */
package org.bulwark.qmgr;
