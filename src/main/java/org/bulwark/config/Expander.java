package org.bulwark.config;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Function;

/**
 * {@code $name} expansion as postconf(5) describes it: {@code $name}, {@code ${name}},
 * {@code $(name)}, {@code ${name?value}} (value when name is non-empty), {@code ${name:value}}
 * (value when name is empty), the {@code {value}} forms of both, and {@code $$} for a dollar.
 * Values are expanded recursively; a loop or a very deep chain is a configuration error.
 */
final class Expander {

    static final int MAX_DEPTH = 100;

    /** Where unexpanded values come from. */
    interface Source {
        /**
         * The unexpanded value of a parameter, "" when it has none.
         *
         * @param expanded expands another parameter within the current chain, for defaults
         *                 computed from other values, so that loops through them are caught too
         */
        String raw(String name, Function<String, String> expanded);
    }

    private final Source source;

    Expander(Source source) {
        this.source = source;
    }

    String expandParameter(String name) {
        Deque<String> chain = new ArrayDeque<>();
        return parameter(name, chain);
    }

    /** Expands a text that is not itself a parameter's value (a master.cf -o value, a CLI argument). */
    String expandText(String owner, String text) {
        Deque<String> chain = new ArrayDeque<>();
        chain.push(owner);
        return expand(owner, text, chain);
    }

    private String parameter(String name, Deque<String> chain) {
        if (chain.contains(name)) {
            StringBuilder loop = new StringBuilder();
            chain.descendingIterator().forEachRemaining(n -> loop.append(n).append(" -> "));
            throw new ConfigException(ConfigTexts.expansionLoop(loop + name));
        }
        if (chain.size() >= MAX_DEPTH) {
            throw new ConfigException(ConfigTexts.expansionTooDeep(chain.peekLast()));
        }
        chain.push(name);
        try {
            String value = expand(name, source.raw(name, other -> parameter(other, chain)), chain);
            if (name.equals("myorigin") && value.startsWith("/")) {
                return originFromFile(value, chain);
            }
            return value;
        } finally {
            chain.pop();
        }
    }

    /**
     * Debian's Postfix reads myorigin from a file when its value is a path ({@code myorigin =
     * /etc/mailname}, as the guides write it): the file's first line, or $myhostname without one.
     */
    private String originFromFile(String path, Deque<String> chain) {
        try (java.io.BufferedReader in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(path))) {
            String line = in.readLine();
            if (line != null && !line.isBlank()) {
                return line.strip();
            }
        } catch (java.io.IOException | RuntimeException unreadable) {
            // fall back to the host name, as Debian's Postfix does
        }
        return parameter("myhostname", chain);
    }

    private String expand(String owner, String text, Deque<String> chain) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 >= text.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = text.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '{' || next == '(') {
                char close = next == '{' ? '}' : ')';
                int end = matching(text, i + 1, next, close);
                if (end < 0) {
                    throw new ConfigException(ConfigTexts.unclosedReference(owner, text));
                }
                out.append(reference(text.substring(i + 2, end), chain));
                i = end + 1;
            } else if (isNameChar(next)) {
                int j = i + 1;
                while (j < text.length() && isNameChar(text.charAt(j))) {
                    j++;
                }
                out.append(parameter(text.substring(i + 1, j), chain));
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** The inside of {@code ${...}}: a name, optionally followed by ?value or :value. */
    private String reference(String inside, Deque<String> chain) {
        int j = 0;
        while (j < inside.length() && isNameChar(inside.charAt(j))) {
            j++;
        }
        String name = inside.substring(0, j);
        if (j == inside.length()) {
            return parameter(name, chain);
        }
        char op = inside.charAt(j);
        String alternative = inside.substring(j + 1);
        if (op != '?' && op != ':') {
            return "${" + inside + "}";
        }
        // Postfix 3.0: ${name?{value1}:{value2}} chooses one of two values (address_verify_poll_count's default).
        String trimmed = alternative.trim();
        if (op == '?' && trimmed.startsWith("{")) {
            int first = matching(trimmed, 0, '{', '}');
            String rest = first < 0 ? "" : trimmed.substring(first + 1).trim();
            if (rest.startsWith(":") && rest.substring(1).trim().startsWith("{") && rest.trim().endsWith("}")) {
                String second = rest.substring(1).trim();
                String chosen = parameter(name, chain).isEmpty() ? second.substring(1, second.length() - 1)
                        : trimmed.substring(1, first);
                return expand(name, chosen.trim(), chain);
            }
        }
        // Postfix 3.0: ${name?{value}} lets the value hold characters that end a plain value.
        if (trimmed.startsWith("{") && trimmed.endsWith("}")) {
            alternative = trimmed.substring(1, trimmed.length() - 1).trim();
        }
        boolean empty = parameter(name, chain).isEmpty();
        boolean use = op == '?' ? !empty : empty;
        return use ? expand(name, alternative, chain) : "";
    }

    private static int matching(String text, int open, char openChar, char closeChar) {
        int depth = 0;
        for (int k = open; k < text.length(); k++) {
            char c = text.charAt(k);
            if (c == openChar || c == '{') {
                depth++;
            } else if (c == closeChar || c == '}') {
                depth--;
                if (depth == 0) {
                    return c == closeChar ? k : -1;
                }
            }
        }
        return -1;
    }

    static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }
}
