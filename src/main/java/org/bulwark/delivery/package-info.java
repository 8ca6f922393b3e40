/** Delivery agents, one subpackage each; Maildir writing shared by local and virtual. */
package org.bulwark.delivery;
