package org.bulwark.table;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bulwark.config.ListSyntax;

/**
 * {@code inline:{ key=value, { key = value with spaces } }} (Postfix 3.0): the table written in
 * the parameter value itself.
 */
final class InlineTable {

    private InlineTable() {
    }

    static MapTable parse(String spec, String name) {
        String body = unbrace(spec, name.strip());
        Map<String, String> entries = new LinkedHashMap<>();
        for (String item : splitTopLevel(spec, body)) {
            String entry = item.startsWith("{") ? unbrace(spec, item) : item;
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw TableTexts.badInline(spec, "expected key=value, found \"" + item + "\"");
            }
            String key = entry.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            entries.putIfAbsent(key, entry.substring(eq + 1).strip());
        }
        return new MapTable(spec, entries);
    }

    /** The text between matching outer braces, or an error when the text is not braced. */
    static String unbrace(String spec, String text) {
        String t = text.strip();
        if (!t.startsWith("{") || !t.endsWith("}")) {
            throw TableTexts.badInline(spec, "expected {...} around \"" + t + "\"");
        }
        return t.substring(1, t.length() - 1).strip();
    }

    /** The items of a list, refusing braces that do not balance. */
    static List<String> splitTopLevel(String spec, String text) {
        ListSyntax.braceProblem(text).ifPresent(problem -> {
            throw TableTexts.badInline(spec, problem);
        });
        return ListSyntax.split(text);
    }
}
