package org.bulwark.table;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.bulwark.config.LogicalLines;

/**
 * {@code pcre:} and {@code regexp:} tables (pcre_table(5), regexp_table(5)), both evaluated with
 * java.util.regex: {@code /pattern/flags result} rules tried in file order, {@code !/pattern/}
 * negation, {@code if /pattern/} ... {@code endif} blocks, and {@code $1}/{@code ${1}} in the
 * result replaced by the matched group. Matching is case-insensitive unless the {@code i} flag
 * toggles it. Keys are not folded: the pattern decides.
 */
final class RegexpTable implements LookupTable {

    /** One logical line: a rule, the start of an {@code if} block, or an {@code endif}. */
    private sealed interface Entry permits Rule, If, Endif {
    }

    private record Rule(Pattern pattern, boolean negated, Substitution result) implements Entry {
    }

    /** {@code end} is the index of the matching endif. */
    private record If(Pattern pattern, boolean negated, int end) implements Entry {
    }

    private record Endif() implements Entry {
    }

    private final String spec;
    private final List<Entry> entries;

    private RegexpTable(String spec, List<Entry> entries) {
        this.spec = spec;
        this.entries = List.copyOf(entries);
    }

    static RegexpTable read(String spec, Path file, boolean pcre) {
        List<Entry> entries = new ArrayList<>();
        Deque<Integer> openIfs = new ArrayDeque<>();
        Deque<Integer> openIfLines = new ArrayDeque<>();
        for (LogicalLines.Line line : SourceLines.read(file, spec)) {
            String text = line.text();
            try {
                if (text.equals("endif") || text.startsWith("endif ") || text.startsWith("endif\t")) {
                    if (openIfs.isEmpty()) {
                        throw new IllegalArgumentException("ignoring endif without matching if");
                    }
                    int start = openIfs.pop();
                    openIfLines.pop();
                    If open = (If) entries.get(start);
                    entries.set(start, new If(open.pattern(), open.negated(), entries.size()));
                    entries.add(new Endif());
                } else if (text.startsWith("if ") || text.startsWith("if\t") || text.startsWith("if!")
                        || text.startsWith("if/")) {
                    ParsedPattern p = ParsedPattern.parse(text.substring(2).strip(), pcre);
                    if (!p.rest().isEmpty()) {
                        throw new IllegalArgumentException("unexpected text after if pattern: " + p.rest());
                    }
                    openIfs.push(entries.size());
                    openIfLines.push(line.number());
                    entries.add(new If(p.pattern(), p.negated(), -1));
                } else {
                    ParsedPattern p = ParsedPattern.parse(text, pcre);
                    if (p.rest().isEmpty()) {
                        throw new IllegalArgumentException("no replacement text after the pattern");
                    }
                    Substitution result = Substitution.parse(p.rest(), p.pattern().matcher("").groupCount());
                    if (p.negated() && result.usesGroups()) {
                        throw new IllegalArgumentException("$number in the result of a negated pattern");
                    }
                    entries.add(new Rule(p.pattern(), p.negated(), result));
                }
            } catch (IllegalArgumentException e) {
                throw TableTexts.badLine(file, line.number(), text, e.getMessage());
            }
        }
        if (!openIfs.isEmpty()) {
            throw TableTexts.badLine(file, openIfLines.peek(), "if", "missing endif");
        }
        return new RegexpTable(spec, entries);
    }

    @Override
    public Optional<String> find(String key) {
        int i = 0;
        while (i < entries.size()) {
            switch (entries.get(i)) {
                case If block -> {
                    boolean found = block.pattern().matcher(key).find();
                    i = found != block.negated() ? i + 1 : block.end() + 1;
                }
                case Endif ignored -> i++;
                case Rule rule -> {
                    Matcher m = rule.pattern().matcher(key);
                    boolean found = m.find();
                    if (found != rule.negated()) {
                        return Optional.of(rule.result().apply(found ? m : null));
                    }
                    i++;
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public String toString() {
        return spec;
    }

    /** {@code [!]/pattern/flags} and whatever follows it on the line. */
    private record ParsedPattern(Pattern pattern, boolean negated, String rest) {

        static ParsedPattern parse(String text, boolean pcre) {
            int pos = 0;
            boolean negated = false;
            while (pos < text.length() && text.charAt(pos) == '!') {
                negated = !negated;
                pos++;
            }
            if (pos >= text.length()) {
                throw new IllegalArgumentException("missing pattern");
            }
            char delimiter = text.charAt(pos);
            if (Character.isLetterOrDigit(delimiter) || Character.isWhitespace(delimiter) || delimiter == '\\') {
                throw new IllegalArgumentException("a pattern must start with a delimiter such as /");
            }
            int end = pos + 1;
            while (end < text.length() && text.charAt(end) != delimiter) {
                end += text.charAt(end) == '\\' ? 2 : 1;
            }
            if (end >= text.length()) {
                throw new IllegalArgumentException("missing closing " + delimiter);
            }
            String regex = text.substring(pos + 1, end);
            int flagsEnd = end + 1;
            while (flagsEnd < text.length() && !Character.isWhitespace(text.charAt(flagsEnd))) {
                flagsEnd++;
            }
            Pattern pattern = compile(regex, text.substring(end + 1, flagsEnd), pcre);
            return new ParsedPattern(pattern, negated, text.substring(flagsEnd).strip());
        }

        private static Pattern compile(String regex, String flagText, boolean pcre) {
            boolean ignoreCase = true;
            // POSIX regcomp without REG_NEWLINE, as regexp: tables use it: '.' matches the newline
            // inside a folded header (header_checks see one header with its continuation lines).
            // The m flag sets REG_NEWLINE: '.' stops at a newline and ^ and $ match at each line.
            int flags = pcre ? 0 : Pattern.DOTALL;
            String source = regex;
            for (char f : flagText.toCharArray()) {
                switch (f) {
                    case 'i' -> ignoreCase = !ignoreCase;
                    case 'm' -> flags = (flags & ~(pcre ? 0 : Pattern.DOTALL)) | Pattern.MULTILINE;
                    case 's' -> flags |= requirePcre(pcre, f, Pattern.DOTALL);
                    // regexp's x toggles POSIX extended syntax, which java.util.regex always is.
                    case 'x' -> flags |= pcre ? Pattern.COMMENTS : 0;
                    case 'A' -> {
                        requirePcre(pcre, f, 0);
                        source = "\\A(?:" + regex + ")";
                    }
                    case 'E', 'X' -> requirePcre(pcre, f, 0);
                    default -> throw new IllegalArgumentException("unknown or unsupported flag '" + f + "'");
                }
            }
            if (ignoreCase) {
                flags |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
            }
            try {
                return Pattern.compile(source, flags);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("bad regular expression: " + e.getDescription());
            }
        }

        private static int requirePcre(boolean pcre, char flag, int value) {
            if (!pcre) {
                throw new IllegalArgumentException("unknown flag '" + flag + "' (a pcre: flag)");
            }
            return value;
        }
    }
}
