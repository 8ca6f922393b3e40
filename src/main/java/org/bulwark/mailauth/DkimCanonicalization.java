package org.bulwark.mailauth;

import java.util.Locale;

/** RFC 6376 §3.4: the two canonicalization algorithms, for header fields and bodies. */
public enum DkimCanonicalization {
    SIMPLE, RELAXED;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    static DkimCanonicalization of(String keyword) {
        return switch (keyword.strip().toLowerCase(Locale.ROOT)) {
            case "simple" -> SIMPLE;
            case "relaxed" -> RELAXED;
            default -> throw new IllegalArgumentException("unknown canonicalization " + keyword);
        };
    }

    /** The field as it enters the header hash, with its CRLF (§3.4.1, §3.4.2). */
    String header(HeaderField field) {
        if (this == SIMPLE) {
            return field.raw() + "\r\n";
        }
        String raw = field.raw();
        int colon = raw.indexOf(':');
        String name = raw.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = raw.substring(colon + 1).replace("\r\n", "").replaceAll("[ \t]+", " ").strip();
        return name + ":" + value + "\r\n";
    }
}
