/**
 * The virtual delivery agent, after Postfix's virtual(8): virtual mailbox domains delivered to
 * Maildirs (or mbox files) under virtual_mailbox_base. SECURITY: writes only below
 * virtual_mailbox_base, as virtual_uid_maps' owner (never below virtual_minimum_uid) when root.
 */
package org.bulwark.delivery.virtual;
