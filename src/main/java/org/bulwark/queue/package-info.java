/** The durable on-disk queue: queue files, queue IDs, fsynced moves between queues, crash recovery; the delivery agent contract. */
package org.bulwark.queue;
