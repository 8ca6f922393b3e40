/**
 * Delivery agents, one subpackage each; the Maildir and mbox writers and outcome texts shared by
 * local and virtual. SECURITY: writes mail into users' files; when the server runs as root, new
 * files and directories are given to the mailbox owner, and symbolic links or foreign-owned
 * mailboxes are refused rather than followed.
 */
package org.bulwark.delivery;
