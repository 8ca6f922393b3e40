package org.bulwark.protocol;

import java.util.Locale;

/**
 * {@code smtpd_forbid_bare_newline} (Postfix 3.9): what a line ending in LF without CR means.
 * Whatever the setting, only CRLF.CRLF ends message content (RFC 5321 §4.1.1.4), which is what
 * defeats SMTP smuggling.
 */
public enum BareNewline {
    /** A bare LF ends a line, stored as CRLF (the default). */
    NORMALIZE,
    /** A bare LF is refused and the session ends. */
    REJECT,
    /** A bare LF is content like any other octet, stored as received. */
    NO;

    /** Reads the parameter's value; Postfix also accepts yes (= reject). */
    public static BareNewline parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "", "normalize" -> NORMALIZE;
            case "reject", "yes" -> REJECT;
            case "no" -> NO;
            default -> throw new IllegalArgumentException(
                    "smtpd_forbid_bare_newline: expected normalize, reject or no, not " + value);
        };
    }
}
