package org.bulwark.protocol;

import java.util.Locale;

/**
 * A command line split into its verb (upper case) and the rest. White space around the argument
 * is removed; RFC 5321 §4.1.1 separates verb and argument by one space, clients send more.
 */
public record Command(String verb, String argument) {

    /** An empty or all-blank line has an empty verb, which Postfix answers with "bad syntax". */
    public static Command parse(String line) {
        String s = strip(line);
        int space = 0;
        while (space < s.length() && !isBlank(s.charAt(space))) {
            space++;
        }
        String verb = s.substring(0, space).toUpperCase(Locale.ROOT);
        return new Command(verb, strip(s.substring(space)));
    }

    public boolean hasArgument() {
        return !argument.isEmpty();
    }

    /** The argument split on white space. */
    public String[] words() {
        return argument.isEmpty() ? new String[0] : argument.split("[ \\t]+");
    }

    static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static String strip(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isBlank(s.charAt(from))) {
            from++;
        }
        while (to > from && isBlank(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }
}
