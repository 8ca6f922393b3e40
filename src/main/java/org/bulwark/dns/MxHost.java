package org.bulwark.dns;

/**
 * One MX record: its preference and exchange host (without the trailing dot). A host of ""
 * is RFC 7505's null MX: the domain accepts no mail.
 */
public record MxHost(int preference, String host) {

    public boolean isNullMx() {
        return host.isEmpty();
    }
}
