/**
 * The pipe delivery agent, after Postfix's pipe(8): master.cf {@code pipe} services run a command
 * ({@code argv=} with ${sender}, ${recipient} ... macros) with the message on standard input, as the
 * {@code user=} account, and read its exit status as sysexits(3). SECURITY: never runs a command as
 * root ({@code user=root} is refused at load, privileges are dropped with setpriv); the command's
 * arguments come from the envelope, passed as separate arguments, never through a shell.
 */
package org.bulwark.delivery.pipe;
