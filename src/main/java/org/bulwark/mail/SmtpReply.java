package org.bulwark.mail;

import java.util.List;

/**
 * An SMTP reply: a three-digit code, an RFC 3463 enhanced status code (or {@code null} where the
 * reply carries none, like the 220 greeting) and one or more lines of text.
 */
public record SmtpReply(int code, String enhanced, List<String> lines) {

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply needs at least one line");
        }
    }

    public static SmtpReply of(int code, String enhanced, String text) {
        return new SmtpReply(code, enhanced, List.of(text));
    }

    public boolean isPositive() {
        return code < 400;
    }

    public boolean isTransient() {
        return code >= 400 && code < 500;
    }

    public boolean isPermanent() {
        return code >= 500;
    }

    /** The first line's text with its enhanced code, as it appears after the code in a log line. */
    public String text() {
        return enhanced == null ? lines.get(0) : enhanced + " " + lines.get(0);
    }

    /** The reply as it goes on the wire, every line ending in CRLF. */
    public String wire() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            b.append(code).append(i < lines.size() - 1 ? '-' : ' ');
            if (enhanced != null) {
                b.append(enhanced).append(' ');
            }
            b.append(lines.get(i)).append("\r\n");
        }
        return b.toString();
    }

    /** "code enhanced text" on one line, as Postfix logs a reply. */
    @Override
    public String toString() {
        return code + " " + text();
    }
}
