/** The bulwark command and its subcommands: start-fg, start, stop, status, postconf, mailq, sendmail. */
package org.bulwark.cli;
