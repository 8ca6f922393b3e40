package org.bulwark.table;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * The result of a pcre/regexp rule with {@code $n} and {@code ${n}} replaced by the matched
 * groups; {@code $$} is a literal dollar. Parsed once, when the table is read.
 */
record Substitution(List<Object> parts) {

    static Substitution parse(String text, int groupCount) {
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 >= text.length()) {
                literal.append(c);
                i++;
                continue;
            }
            char next = text.charAt(i + 1);
            if (next == '$') {
                literal.append('$');
                i += 2;
                continue;
            }
            boolean braced = next == '{';
            int start = braced ? i + 2 : i + 1;
            int end = start;
            while (end < text.length() && Character.isDigit(text.charAt(end))) {
                end++;
            }
            if (end == start || braced && (end >= text.length() || text.charAt(end) != '}')) {
                literal.append(c);
                i++;
                continue;
            }
            int group = Integer.parseInt(text.substring(start, end));
            if (group > groupCount) {
                throw new IllegalArgumentException("$" + group + " is out of range: the pattern has "
                        + groupCount + " group(s)");
            }
            if (!literal.isEmpty()) {
                parts.add(literal.toString());
                literal.setLength(0);
            }
            parts.add(group);
            i = braced ? end + 1 : end;
        }
        if (!literal.isEmpty()) {
            parts.add(literal.toString());
        }
        return new Substitution(List.copyOf(parts));
    }

    boolean usesGroups() {
        return parts.stream().anyMatch(Integer.class::isInstance);
    }

    /** The result for a match; {@code matcher} is null only when {@link #usesGroups()} is false. */
    String apply(Matcher matcher) {
        StringBuilder out = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof Integer group) {
                String value = matcher.group(group);
                out.append(value == null ? "" : value);
            } else {
                out.append(part);
            }
        }
        return out.toString();
    }
}
