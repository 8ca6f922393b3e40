/** The queue manager: scans active and deferred queues, resolves recipients, runs delivery agents, retries with backoff. */
package org.bulwark.qmgr;
