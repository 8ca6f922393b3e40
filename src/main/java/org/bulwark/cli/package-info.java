/**
 * The bulwark command and its subcommands: start-fg, start, stop, status, postconf, mailq, sendmail.
 *
 * <p>SECURITY: runs with the rights of whoever types it, as Postfix's commands do: sendmail only
 * adds files to maildrop/ (the daemon checks them again when it picks them up), the queue tools
 * need the queue's owner, and postconf -e edits only main.cf of the configuration directory.
 * Arguments and standard input are untrusted; no command talks to the network but those that
 * say so (relay probes, the policy daemon).
 */
package org.bulwark.cli;
