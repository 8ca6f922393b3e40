package org.bulwark.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading expanded values as Postfix reads them; each method answers empty for a bad value. */
final class Values {

    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,10}");
    private static final Pattern SIZE = Pattern.compile("\\d{1,18}");
    private static final Pattern TIME = Pattern.compile("(\\d{1,12})([smhdwSMHDW]?)");

    private Values() {
    }

    static Optional<Integer> integer(String value) {
        String v = value.trim();
        if (!INTEGER.matcher(v).matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(v);
        return n < Integer.MIN_VALUE || n > Integer.MAX_VALUE ? Optional.empty() : Optional.of((int) n);
    }

    static Optional<Long> size(String value) {
        String v = value.trim();
        return SIZE.matcher(v).matches() ? Optional.of(Long.parseLong(v)) : Optional.empty();
    }

    static Optional<Duration> time(String value, char defaultUnit) {
        Matcher m = TIME.matcher(value.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        char unit = m.group(2).isEmpty() ? defaultUnit : Character.toLowerCase(m.group(2).charAt(0));
        return Optional.of(switch (unit) {
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            case 'w' -> Duration.ofDays(7 * n);
            default -> Duration.ofSeconds(n);
        });
    }

    static Optional<Boolean> bool(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "yes", "true" -> Optional.of(true);
            case "no", "false" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    /** Whether a value is acceptable for a type (lists must balance their braces). */
    static boolean valid(String value, Parameter parameter) {
        if (!parameter.choices().isEmpty()) {
            return parameter.type() == ParameterType.LIST
                    ? split(value, ", \t\r\n").map(items -> parameter.choices().containsAll(items)).orElse(false)
                    : parameter.choices().contains(value.trim());
        }
        return switch (parameter.type()) {
            case STRING -> true;
            case LIST -> split(value, ", \t\r\n").isPresent();
            case INTEGER -> integer(value).isPresent();
            case SIZE -> size(value).isPresent();
            case TIME -> time(value, parameter.defaultUnit()).isPresent();
            case BOOLEAN -> bool(value).isPresent();
        };
    }

    /** The items of a value, or empty when its braces do not balance. */
    static Optional<List<String>> split(String value, String separators) {
        return ListSyntax.braceProblem(value).isPresent() ? Optional.empty()
                : Optional.of(ListSyntax.split(value, separators));
    }
}
