/** The virtual delivery agent: virtual mailbox domains delivered to Maildirs under virtual_mailbox_base. */
package org.bulwark.delivery.virtual;
