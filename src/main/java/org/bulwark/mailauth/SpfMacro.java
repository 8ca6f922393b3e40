package org.bulwark.mailauth;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * RFC 7208 §7 macro strings: {@code %{letter [digits] [r] [delimiters]}}, {@code %%}, {@code %_},
 * {@code %-}. Parsing and expansion are separate, so a record with a bad macro is a permerror
 * before anything is looked up (§4.6).
 */
final class SpfMacro {

    /** The values a macro may refer to; {@code p} is looked up only when a macro asks for it. */
    record Context(String sender, String localPart, String senderDomain, String domain, InetAddress client,
                   String helo, String receiver, Supplier<String> validatedName) {
    }

    private static final String DELIMITERS = ".-+,/_=";

    private SpfMacro() {
    }

    /** Whether {@code text} is a valid macro-string; {@code explanation} allows c, r and t (§7.2). */
    static boolean isValid(String text, boolean explanation) {
        try {
            expand(text, null, explanation);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Expands a macro string. With a null context only the syntax is checked.
     *
     * @throws IllegalArgumentException for a syntax error
     */
    static String expand(String text, Context context, boolean explanation) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '%') {
                if (c < 0x21 && !(explanation && c == ' ') || c > 0x7e) {
                    throw new IllegalArgumentException("bad character in macro string");
                }
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 >= text.length()) {
                throw new IllegalArgumentException("lone %");
            }
            char next = text.charAt(i + 1);
            switch (next) {
                case '%' -> out.append('%');
                case '_' -> out.append(' ');
                case '-' -> out.append("%20");
                case '{' -> {
                    int close = text.indexOf('}', i);
                    if (close < 0) {
                        throw new IllegalArgumentException("unclosed macro");
                    }
                    out.append(expandOne(text.substring(i + 2, close), context, explanation));
                    i = close + 1;
                    continue;
                }
                default -> throw new IllegalArgumentException("bad macro %" + next);
            }
            i += 2;
        }
        return out.toString();
    }

    private static String expandOne(String body, Context context, boolean explanation) {
        if (body.isEmpty()) {
            throw new IllegalArgumentException("empty macro");
        }
        char letter = body.charAt(0);
        char lower = Character.toLowerCase(letter);
        if ("slodiphv".indexOf(lower) < 0 && !(explanation && "crt".indexOf(lower) >= 0)) {
            throw new IllegalArgumentException("bad macro letter " + letter);
        }
        int j = 1;
        while (j < body.length() && Character.isDigit(body.charAt(j))) {
            j++;
        }
        int keep = j > 1 ? Integer.parseInt(body.substring(1, Math.min(j, 5))) : -1;
        if (j > 1 && keep == 0) {
            throw new IllegalArgumentException("zero labels");
        }
        boolean reverse = false;
        if (j < body.length() && Character.toLowerCase(body.charAt(j)) == 'r') {
            reverse = true;
            j++;
        }
        String delimiters = body.substring(j);
        for (char d : delimiters.toCharArray()) {
            if (DELIMITERS.indexOf(d) < 0) {
                throw new IllegalArgumentException("bad delimiter " + d);
            }
        }
        if (context == null) {
            return "";
        }
        String value = value(lower, context);
        List<String> parts = split(value, delimiters.isEmpty() ? "." : delimiters);
        if (reverse) {
            Collections.reverse(parts);
        }
        if (keep > 0 && keep < parts.size()) {
            parts = parts.subList(parts.size() - keep, parts.size());
        }
        String result = String.join(".", parts);
        return Character.isUpperCase(letter) ? urlEscape(result) : result;
    }

    private static String value(char letter, Context c) {
        return switch (letter) {
            case 's' -> c.sender();
            case 'l' -> c.localPart();
            case 'o' -> c.senderDomain();
            case 'd' -> c.domain();
            case 'i' -> dottedAddress(c.client());
            case 'p' -> c.validatedName().get();
            case 'h' -> c.helo();
            case 'v' -> c.client() instanceof Inet4Address ? "in-addr" : "ip6";
            case 'c' -> readableAddress(c.client());
            case 'r' -> c.receiver();
            case 't' -> Long.toString(System.currentTimeMillis() / 1000);
            default -> throw new IllegalArgumentException("bad macro letter " + letter);
        };
    }

    /** {@code i}: dotted quad, or 32 dot-separated nibbles for IPv6 (§7.3). */
    static String dottedAddress(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        String hex = HexFormat.of().withUpperCase().formatHex(address.getAddress());
        StringBuilder out = new StringBuilder();
        for (char nibble : hex.toCharArray()) {
            if (!out.isEmpty()) {
                out.append('.');
            }
            out.append(nibble);
        }
        return out.toString();
    }

    /** {@code c}: the address as people write it (RFC 5952 for IPv6). */
    static String readableAddress(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        return compressIpv6(address.getAddress());
    }

    private static String compressIpv6(byte[] b) {
        int[] groups = new int[8];
        for (int k = 0; k < 8; k++) {
            groups[k] = (b[2 * k] & 0xff) << 8 | b[2 * k + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int k = 0; k < 8; ) {
            if (groups[k] != 0) {
                k++;
                continue;
            }
            int start = k;
            while (k < 8 && groups[k] == 0) {
                k++;
            }
            if (k - start > bestLength) {
                bestStart = start;
                bestLength = k - start;
            }
        }
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < 8; k++) {
            if (k == bestStart) {
                out.append("::");
                k += bestLength - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[k]));
        }
        return out.toString();
    }

    private static List<String> split(String value, String delimiters) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (char ch : value.toCharArray()) {
            if (delimiters.indexOf(ch) >= 0) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(ch);
            }
        }
        parts.add(current.toString());
        return parts;
    }

    /** RFC 3986 unreserved characters stay, everything else is %-escaped (§7.3). */
    private static String urlEscape(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
