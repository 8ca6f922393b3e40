/**
 * The client side of the Sendmail milter protocol (versions 2 to 6), as Postfix's smtpd and
 * cleanup speak it: one connection per milter per SMTP session, every stage, macros, replies as
 * values and end-of-message edits as values for cleanup to apply.
 *
 * <p>SECURITY: talks only to the milters named in smtpd_milters/non_smtpd_milters (inet or UNIX
 * sockets), with a time limit on every exchange and a size limit on every frame; whatever a milter
 * sends is treated as untrusted input, and a milter that fails gets its default_action, never a
 * silent acceptance unless default_action=accept says so.
 */
package org.bulwark.milter;
