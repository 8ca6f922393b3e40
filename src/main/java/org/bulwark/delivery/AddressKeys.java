package org.bulwark.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bulwark.mail.MailAddress;
import org.bulwark.table.LookupTable;

/**
 * The keys virtual(8) tries in {@code virtual_mailbox_maps}, {@code virtual_uid_maps} and
 * {@code virtual_gid_maps}: {@code user+ext@domain}, {@code user@domain}, {@code @domain}
 * (virtual(8), "TABLE SEARCH ORDER"); the first table with an answer wins.
 */
public final class AddressKeys {

    private AddressKeys() {
    }

    public static Optional<String> find(List<LookupTable> tables, MailAddress address, String recipientDelimiter) {
        for (String key : keys(address, recipientDelimiter)) {
            for (LookupTable table : tables) {
                Optional<String> value = table.find(key);
                if (value.isPresent()) {
                    return value;
                }
            }
        }
        return Optional.empty();
    }

    static List<String> keys(MailAddress address, String recipientDelimiter) {
        String domain = address.domainKey() == null ? "" : address.domainKey();
        String local = address.localPart();
        String bare = stripExtension(local, recipientDelimiter);
        List<String> keys = new ArrayList<>(3);
        keys.add(local + "@" + domain);
        if (!bare.equals(local)) {
            keys.add(bare + "@" + domain);
        }
        keys.add("@" + domain);
        return keys;
    }

    /** The local part without its address extension: everything from the first delimiter on. */
    public static String stripExtension(String local, String recipientDelimiter) {
        if (recipientDelimiter == null || recipientDelimiter.isEmpty()) {
            return local;
        }
        for (int i = 1; i < local.length(); i++) {
            if (recipientDelimiter.indexOf(local.charAt(i)) >= 0) {
                return local.substring(0, i);
            }
        }
        return local;
    }
}
