package org.bulwark.mailauth;

import java.util.Locale;

/**
 * One header field as it appears in the message (RFC 5322 §2.2): {@code raw} is the whole field,
 * name, colon and value, folded lines joined with CRLF, without the final CRLF.
 */
public record HeaderField(String name, String raw) {

    /** Splits a raw field at its first colon; line ends inside become CRLF. */
    public static HeaderField of(String raw) {
        String normalized = raw.replace("\r\n", "\n").replace("\n", "\r\n");
        int colon = normalized.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("header field without a colon");
        }
        return new HeaderField(normalized.substring(0, colon).strip(), normalized);
    }

    /** The text after the colon, unfolded, without surrounding white space. */
    public String value() {
        return raw.substring(raw.indexOf(':') + 1).replace("\r\n", "").strip();
    }

    public boolean is(String fieldName) {
        return name.equalsIgnoreCase(fieldName);
    }

    public String lowerName() {
        return name.toLowerCase(Locale.ROOT);
    }
}
