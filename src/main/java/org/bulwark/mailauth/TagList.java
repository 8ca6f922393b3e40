package org.bulwark.mailauth;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * RFC 6376 §3.2 tag=value lists, used by DKIM signatures, DKIM key records and DMARC records
 * (RFC 7489 §6.4): tags separated by {@code ;}, white space and folding around them ignored.
 */
final class TagList {

    private TagList() {
    }

    /**
     * The tags in order, names as written (DKIM's are case-sensitive), values with folding
     * white space removed from their ends.
     *
     * @throws IllegalArgumentException for a tag without {@code =}, a bad name or a repeated tag
     */
    static Map<String, String> parse(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String part : text.split(";", -1)) {
            String item = part.replace("\r\n", "").strip();
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("tag without a value: " + item);
            }
            String name = item.substring(0, eq).strip();
            if (!name.matches("[A-Za-z][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("bad tag name: " + name);
            }
            if (tags.putIfAbsent(name, item.substring(eq + 1).strip()) != null) {
                throw new IllegalArgumentException("tag repeated: " + name);
            }
        }
        return tags;
    }

    /** A value with all white space removed, as base64 tags want (§3.2 "b", "bh", "p"). */
    static String compact(String value) {
        return value == null ? null : value.replaceAll("[ \t\r\n]+", "");
    }

    static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }
}
