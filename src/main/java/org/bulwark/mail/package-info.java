/**
 * Mail value types shared by every component: addresses, envelopes, queue IDs, SMTP replies.
 *
 * <p>SECURITY: pure values, no I/O and no privilege. They are built from untrusted client input,
 * so each checks what it is given when it is made (a queue ID's characters, an address's parts)
 * and never expands or interprets it further.
 */
package org.bulwark.mail;
