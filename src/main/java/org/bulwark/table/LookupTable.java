package org.bulwark.table;

import java.util.Optional;

/**
 * A Postfix lookup table: a key goes in, a value (or nothing) comes out. Tables other than
 * pcre/regexp fold keys to lower case, as Postfix's indexed tables do.
 */
public interface LookupTable {

    Optional<String> find(String key);

    /** The table as configured, e.g. {@code texthash:/etc/postfix/virtual}, for log lines. */
    String spec();

    /**
     * Every key and value, for checks at start (e.g. that each transport transport_maps names
     * exists); empty for tables whose values are not a fixed list (pcre, regexp, cidr, static).
     */
    default Optional<java.util.Map<String, String>> allEntries() {
        return Optional.empty();
    }
}
