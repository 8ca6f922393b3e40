/**
 * The queue manager: scans active and deferred queues, resolves recipients, runs delivery agents, retries with backoff.
 *
 * <p>SECURITY: talks to no network peer itself; it reads and rewrites queue files and hands
 * recipients to delivery agents in-process. It trusts the queue directory's contents only as far as
 * the queue package validates them (unreadable files go to corrupt/).
 */
package org.bulwark.qmgr;
