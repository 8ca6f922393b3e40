package org.bulwark.delivery.smtp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An MTA-STS policy as RFC 8461 §3.2 writes it: {@code version: STSv1}, a {@code mode}, one or
 * more {@code mx} patterns (a host name, or {@code *.example.org} for any one label below it) and
 * {@code max_age} in seconds (at most 31557600). The policy's text is kept as fetched so the cache
 * stores what the domain published.
 *
 * @param text the policy as fetched
 */
public record MtaStsPolicy(Mode mode, List<String> mx, long maxAge, String text) {

    /** RFC 8461 §3.2: the longest a policy may be cached, about a year. */
    public static final long MAX_AGE_LIMIT = 31_557_600L;

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public enum Mode {
        /** Deliver only to matching MX hosts over TLS with a valid certificate. */
        ENFORCE,
        /** Report failures (TLS-RPT) but deliver as if there were no policy. */
        TESTING,
        /** The domain has withdrawn its policy. */
        NONE;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public MtaStsPolicy {
        mx = List.copyOf(mx);
    }

    /**
     * Parses a policy strictly: unknown keys are ignored as RFC 8461 §3.2 asks, but a missing or
     * repeated field, a bad value, or a line that is not {@code key: value} is an error.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static MtaStsPolicy parse(String text) {
        String version = null;
        Mode mode = null;
        Long maxAge = null;
        List<String> mx = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !KEY.matcher(line.substring(0, colon)).matches()) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not \"key: value\"");
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 1).strip();
            if (!key.equals("mx") && !seen.add(key)) {
                throw new IllegalArgumentException("field \"" + key + "\" appears more than once");
            }
            switch (key) {
                case "version" -> version = value;
                case "mode" -> mode = switch (value) {
                    case "enforce" -> Mode.ENFORCE;
                    case "testing" -> Mode.TESTING;
                    case "none" -> Mode.NONE;
                    default -> throw new IllegalArgumentException("mode \"" + value
                            + "\" is none of enforce, testing, none");
                };
                case "max_age" -> {
                    if (!DIGITS.matcher(value).matches()) {
                        throw new IllegalArgumentException("max_age \"" + value + "\" is not a number of seconds");
                    }
                    maxAge = Math.min(Long.parseLong(value), MAX_AGE_LIMIT);
                }
                case "mx" -> mx.add(pattern(value));
                default -> {
                    // RFC 8461 §3.2: fields this version does not know are ignored.
                }
            }
        }
        if (!"STSv1".equals(version)) {
            throw new IllegalArgumentException(version == null ? "no version field" : "version \"" + version
                    + "\" is not STSv1");
        }
        if (mode == null) {
            throw new IllegalArgumentException("no mode field");
        }
        if (maxAge == null) {
            throw new IllegalArgumentException("no max_age field");
        }
        if (mx.isEmpty() && mode != Mode.NONE) {
            throw new IllegalArgumentException("no mx field");
        }
        return new MtaStsPolicy(mode, mx, maxAge, text);
    }

    /**
     * The policy file's lines as fetched, without line ends and blank lines: an RFC 8460 report's
     * policy-string for an {@code sts} policy.
     */
    public List<String> lines() {
        return text.lines().filter(l -> !l.isBlank()).toList();
    }

    /** An {@code mx} value: a host name, or {@code *.} and a name, lower-cased. */
    private static String pattern(String value) {
        String p = value.toLowerCase(Locale.ROOT);
        if (p.endsWith(".")) {
            p = p.substring(0, p.length() - 1);
        }
        String name = p.startsWith("*.") ? p.substring(2) : p;
        String[] labels = name.split("\\.", -1);
        boolean valid = labels.length >= 1 && name.length() <= 253;
        for (String label : labels) {
            valid &= LABEL.matcher(label).matches();
        }
        if (!valid) {
            throw new IllegalArgumentException("mx \"" + value + "\" is not a host name or *.domain pattern");
        }
        return p;
    }

    /**
     * RFC 8461 §4.1: whether an MX host name matches a pattern; {@code *.example.org} matches
     * {@code mx.example.org} but neither {@code example.org} nor {@code a.b.example.org}.
     */
    public boolean matches(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        for (String p : mx) {
            if (p.startsWith("*.")) {
                int dot = h.indexOf('.');
                if (dot > 0 && h.substring(dot + 1).equals(p.substring(2))) {
                    return true;
                }
            } else if (h.equals(p)) {
                return true;
            }
        }
        return false;
    }
}
