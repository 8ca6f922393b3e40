package org.bulwark.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The results a transport_maps table can give, read at load so that mail routed to a transport
 * Bulwark does not have is refused before it is accepted. Only tables whose text is at hand are
 * read (indexed files through their source text, regexp and pcre files, inline: and static:);
 * a database on a server is not, and a missing file is left for the table's own error.
 */
final class TransportTableValues {

    private static final Set<String> INDEXED = Set.of("hash", "btree", "lmdb", "cdb", "dbm", "sdbm", "texthash");
    private static final Set<String> PATTERNS = Set.of("regexp", "pcre");

    private TransportTableValues() {
    }

    static List<String> read(String spec, Path configDirectory) {
        int colon = spec.indexOf(':');
        if (colon < 0) {
            return List.of();
        }
        String type = spec.substring(0, colon);
        String name = spec.substring(colon + 1);
        if (type.equals("static")) {
            return List.of(unbraced(name));
        }
        if (type.equals("inline")) {
            List<String> out = new ArrayList<>();
            for (String item : Values.split(unbraced(name), ", \t").orElse(List.of())) {
                int eq = item.indexOf('=');
                if (eq > 0) {
                    out.add(item.substring(eq + 1).strip());
                }
            }
            return out;
        }
        if (!INDEXED.contains(type) && !PATTERNS.contains(type)) {
            return List.of();
        }
        Path file = configDirectory == null ? Path.of(name) : configDirectory.resolve(name);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException unreadable) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#") || Character.isWhitespace(line.charAt(0))) {
                continue;
            }
            String value = PATTERNS.contains(type) ? afterPattern(text) : afterKey(text);
            if (!value.isEmpty()) {
                out.add(value);
            }
        }
        return out;
    }

    private static String unbraced(String text) {
        String t = text.strip();
        return t.startsWith("{") && t.endsWith("}") ? t.substring(1, t.length() - 1).strip() : t;
    }

    private static String afterKey(String text) {
        String[] parts = text.split("\\s+", 2);
        return parts.length < 2 ? "" : parts[1].strip();
    }

    /** {@code /pattern/flags result}; {@code if} and {@code endif} lines have no result. */
    private static String afterPattern(String text) {
        if (text.startsWith("if ") || text.equals("endif")) {
            return "";
        }
        String t = text.startsWith("!") ? text.substring(1) : text;
        if (t.isEmpty()) {
            return "";
        }
        char delimiter = t.charAt(0);
        int end = 1;
        while (end < t.length() && (t.charAt(end) != delimiter || t.charAt(end - 1) == '\\')) {
            end++;
        }
        int rest = end + 1;
        while (rest < t.length() && Character.isLetter(t.charAt(rest))) {
            rest++;
        }
        return rest >= t.length() ? "" : t.substring(rest).strip();
    }
}
