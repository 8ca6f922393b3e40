package org.bulwark.milter;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bulwark.config.ListSyntax;

/**
 * milter_macro_defaults (Postfix's milter_macro_defaults_create): {@code name=value} or
 * {@code { name = value }} items, a name with or without braces; the value a macro gets when the
 * session has none for it. The first of several entries for one name counts.
 */
final class MacroDefaults {

    private MacroDefaults() {
    }

    /**
     * The defaults by name without braces.
     *
     * @throws IllegalArgumentException for an item that is not name=value
     */
    static Map<String, String> parse(String value) {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (String item : ListSyntax.split(value)) {
            String entry = item;
            if (entry.startsWith("{") && !isBracedName(entry)) {
                if (!entry.endsWith("}")) {
                    throw new IllegalArgumentException(MilterTexts.badMacroDefault("missing '}'", value));
                }
                entry = entry.substring(1, entry.length() - 1).strip();
            }
            int eq = entry.indexOf('=', entry.startsWith("{") ? entry.indexOf('}') : 0);
            if (eq < 0) {
                throw new IllegalArgumentException(MilterTexts.badMacroDefault("missing '=' after attribute name", value));
            }
            String name = MacroValues.bare(entry.substring(0, eq).strip());
            if (name.isEmpty()) {
                throw new IllegalArgumentException(MilterTexts.badMacroDefault("missing attribute name", value));
            }
            defaults.putIfAbsent(name, entry.substring(eq + 1).strip());
        }
        return Map.copyOf(defaults);
    }

    /** "{name}=value": braces around the name only, which is not a group. */
    private static boolean isBracedName(String item) {
        int close = item.indexOf('}');
        return close > 0 && close + 1 < item.length() && item.charAt(close + 1) == '=';
    }
}
