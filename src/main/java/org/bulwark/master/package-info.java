/**
 * Composition root: builds services from master.cf, runs them, reloads and stops them; the daemon's only main.
 *
 * <p>SECURITY: the process that opens every listener, so it refuses to run as root with a
 * listener other machines can reach (unless told {@code --allow-root}). It writes only the pid
 * file and the status socket (mode 0660) under $queue_directory/pid, serves /metrics on a
 * loopback address only, and hands each connection to its service's package.
 */
package org.bulwark.master;
