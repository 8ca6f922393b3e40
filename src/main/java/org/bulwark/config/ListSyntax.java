package org.bulwark.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Postfix's list syntax (postconf(5)): items separated by commas and white space, where a
 * {@code { ... }} group is one item, braces and separators inside it included, so that
 * {@code inline:{ a=b, c=d }} and {@code check_policy_service { inet:host:port, timeout=10s }}
 * stay whole. Splitting follows Postfix's mystrtokq: a {@code }} with no open group is an
 * ordinary character and an unclosed group runs to the end. Whether the braces balance is a
 * separate question, {@link #braceProblem}, for the readers that refuse a value that does not.
 */
public final class ListSyntax {

    /** Postfix's list separators (CHARS_COMMA_SP). */
    public static final String SEPARATORS = ", \t\r\n";

    private ListSyntax() {
    }

    /** The items of a list value. */
    public static List<String> split(String value) {
        return split(value, SEPARATORS);
    }

    /** The items of a value split on the given separator characters, groups kept whole. */
    public static List<String> split(String value, String separators) {
        List<String> items = new ArrayList<>();
        StringBuilder item = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && depth > 0) {
                depth--;
            } else if (depth == 0 && separators.indexOf(c) >= 0) {
                if (!item.isEmpty()) {
                    items.add(item.toString());
                    item.setLength(0);
                }
                continue;
            }
            item.append(c);
        }
        if (!item.isEmpty()) {
            items.add(item.toString());
        }
        return items;
    }

    /** What is wrong with a value's braces ({@code unbalanced '}'}, {@code missing '}'}), or empty when they balance. */
    public static Optional<String> braceProblem(String value) {
        int depth = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth < 0) {
                return Optional.of("unbalanced '}'");
            }
        }
        return depth == 0 ? Optional.empty() : Optional.of("missing '}'");
    }
}
