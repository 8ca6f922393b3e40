/**
 * The durable on-disk queue: queue files, queue IDs, fsynced moves between queues, crash recovery;
 * the delivery agent contract.
 *
 * <p>SECURITY: reads and writes only below {@code queue_directory}, directories mode 0700 and
 * files 0600; trusts nothing in a file it reads (an unreadable one goes to corrupt/). Needs no
 * privilege beyond owning that directory. The layout is in QUEUE_FORMAT.md beside this file.
 */
package org.bulwark.queue;
