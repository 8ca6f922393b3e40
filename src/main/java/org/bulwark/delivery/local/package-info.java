/** The local delivery agent: aliases, :include: files, system users' home Maildir. */
package org.bulwark.delivery.local;
