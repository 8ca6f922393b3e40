package org.bulwark.table;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * The result of a pcre/regexp rule with {@code $n} and {@code ${n}} replaced by the matched
 * groups; {@code $$} is a literal dollar. Parsed once, when the table is read.
 */
record Substitution(List<Substitution.Part> parts) {

    /** A piece of the result: text as written, or the text of a matched group. */
    sealed interface Part permits Literal, Group {
    }

    record Literal(String text) implements Part {
    }

    record Group(int number) implements Part {
    }

    static Substitution parse(String text, int groupCount) {
        List<Part> parts = new ArrayList<>();
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
                parts.add(new Literal(literal.toString()));
                literal.setLength(0);
            }
            parts.add(new Group(group));
            i = braced ? end + 1 : end;
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        return new Substitution(List.copyOf(parts));
    }

    boolean usesGroups() {
        return parts.stream().anyMatch(Group.class::isInstance);
    }

    /** The result for a match; {@code matcher} is null only when {@link #usesGroups()} is false. */
    String apply(Matcher matcher) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            switch (part) {
                case Literal literal -> out.append(literal.text());
                case Group group -> {
                    String value = matcher.group(group.number());
                    out.append(value == null ? "" : value);
                }
            }
        }
        return out.toString();
    }
}
