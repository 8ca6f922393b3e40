package org.bulwark.table;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bulwark.config.LogicalLines;

/**
 * An indexed table held in memory: texthash, hash and the other database types read from their
 * text source, inline:{...}, unix:passwd.byname and aliases. Keys are folded to lower case, as
 * Postfix folds them for these types; of duplicate keys the first wins (postmap(1) warns and
 * ignores the later one).
 */
final class MapTable implements LookupTable {

    private final String spec;
    private final Map<String, String> entries;

    MapTable(String spec, Map<String, String> entries) {
        this.spec = spec;
        this.entries = Map.copyOf(entries);
    }

    /** Reads postmap(1) source: {@code key whitespace value} per logical line. */
    static MapTable readPostmapSource(String spec, Path file) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (LogicalLines.Line line : SourceLines.read(file, spec)) {
            String text = line.text();
            int space = firstWhitespace(text);
            if (space < 0) {
                throw TableTexts.badLine(file, line.number(), text, "expected format: key whitespace value");
            }
            String key = text.substring(0, space).toLowerCase(Locale.ROOT);
            entries.putIfAbsent(key, text.substring(space).strip());
        }
        return new MapTable(spec, entries);
    }

    static int firstWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Optional<String> find(String key) {
        return Optional.ofNullable(entries.get(key.toLowerCase(Locale.ROOT)));
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public Optional<Map<String, String>> allEntries() {
        return Optional.of(java.util.Collections.unmodifiableMap(entries));
    }

    @Override
    public String toString() {
        return spec;
    }
}
