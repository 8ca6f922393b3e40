package org.bulwark.delivery;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.bulwark.table.LookupTable;

/** An in-memory lookup table folding keys to lower case like Postfix's indexed tables; static:V answers V. */
public record MapTable(String spec, Map<String, String> entries) implements LookupTable {

    @Override
    public Optional<String> find(String key) {
        if (spec.startsWith("static:")) {
            return Optional.of(spec.substring("static:".length()));
        }
        return Optional.ofNullable(entries.get(key.toLowerCase(Locale.ROOT)));
    }

    /** Opens the named tables from the given map; {@code static:} specs need no entry. */
    public static BiFunction<String, Path, LookupTable> opener(Map<String, Map<String, String>> tables) {
        return (spec, dir) -> new MapTable(spec, tables.getOrDefault(spec, Map.of()));
    }
}
