package org.bulwark.table;

import java.util.Optional;

/** {@code static:value}: every lookup finds the same value. */
record StaticTable(String spec, String value) implements LookupTable {

    @Override
    public Optional<String> find(String key) {
        return Optional.of(value);
    }
}
