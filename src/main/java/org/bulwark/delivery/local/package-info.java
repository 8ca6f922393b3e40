/**
 * The local delivery agent, after Postfix's local(8): aliases, :include: files, .forward files,
 * system users' home Maildir or spool mbox. SECURITY: reads the password file, alias and include
 * files; runs {@code |command} targets through /bin/sh, never as root (default_privs for aliases,
 * the user for .forward), and only where allow_mail_to_commands permits.
 */
package org.bulwark.delivery.local;
