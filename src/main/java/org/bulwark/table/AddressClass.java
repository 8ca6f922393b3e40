package org.bulwark.table;

/** Postfix's address classes (ADDRESS_CLASS_README): which kind of domain an address belongs to. */
public enum AddressClass {
    /** mydestination, inet_interfaces/proxy_interfaces literals: delivered by local(8). */
    LOCAL,
    /** virtual_alias_domains: every address must be aliased elsewhere. */
    VIRTUAL_ALIAS,
    /** virtual_mailbox_domains: delivered by virtual(8). */
    VIRTUAL_MAILBOX,
    /** relay_domains: we relay for it. */
    RELAY,
    /** Anything else: only authorized clients may send there. */
    DEFAULT
}
