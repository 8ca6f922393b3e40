package org.bulwark.table;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.bulwark.mail.MailAddress;

/**
 * Postfix's mail_addr_find(3) with its default strategy, the search order of sender_bcc_maps and
 * recipient_bcc_maps: {@code user+ext@domain}, {@code user@domain}, then {@code user+ext} and
 * {@code user} when the domain is {@code $myorigin} or local (mydestination, an address literal of
 * this host), then {@code @domain}. Each key is asked of every table before the next key, as
 * maps_find does. Thread-safe once built.
 */
public final class AddressSearch {

    private final List<LookupTable> tables;
    private final String recipientDelimiter;
    private final Predicate<String> localDomain;

    /**
     * @param recipientDelimiter the recipient_delimiter characters; empty for none
     * @param localDomain        whether a (lower-case) domain is $myorigin or local
     */
    public AddressSearch(List<LookupTable> tables, String recipientDelimiter, Predicate<String> localDomain) {
        this.tables = List.copyOf(tables);
        this.recipientDelimiter = recipientDelimiter == null ? "" : recipientDelimiter;
        this.localDomain = localDomain;
    }

    public boolean isEmpty() {
        return tables.isEmpty();
    }

    /** The value for the first key of the search order that a table has; empty for the null address. */
    public Optional<String> find(MailAddress address) {
        for (String key : keys(address)) {
            for (LookupTable table : tables) {
                Optional<String> value = table.find(key);
                if (value.isPresent()) {
                    return value;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The value for one literal key, each table asked in turn: the lookup of a null address by a
     * stand-in key such as {@code empty_address_relayhost_maps_lookup_key}.
     */
    public Optional<String> find(String key) {
        for (LookupTable table : tables) {
            Optional<String> value = table.find(key);
            if (value.isPresent()) {
                return value;
            }
        }
        return Optional.empty();
    }

    List<String> keys(MailAddress address) {
        if (address.isNullSender()) {
            return List.of();
        }
        String local = address.localPart();
        String bare = stripExtension(local);
        List<String> keys = new ArrayList<>(5);
        if (!address.isQualified()) {
            // An unqualified address reaches cleanup only from a caller that qualifies nothing: its local part.
            keys.add(local);
            if (!bare.equals(local)) {
                keys.add(bare);
            }
            return keys;
        }
        String domain = address.domainKey();
        keys.add(local + "@" + domain);
        if (!bare.equals(local)) {
            keys.add(bare + "@" + domain);
        }
        if (localDomain.test(domain)) {
            keys.add(local);
            if (!bare.equals(local)) {
                keys.add(bare);
            }
        }
        keys.add("@" + domain);
        return keys;
    }

    /** The local part without its extension: everything from the first delimiter after the first character. */
    private String stripExtension(String local) {
        for (int i = 1; i < local.length(); i++) {
            if (recipientDelimiter.indexOf(local.charAt(i)) >= 0) {
                return local.substring(0, i);
            }
        }
        return local;
    }
}
