package org.bulwark.mail;

import java.util.Locale;

/**
 * An envelope address in its internal (unquoted) form, as Postfix keeps it: the local part exactly
 * as the client meant it, and the domain, or {@code null} for an unqualified address. The null
 * sender {@code <>} is {@link #NULL_SENDER}.
 */
public record MailAddress(String localPart, String domain) {

    public static final MailAddress NULL_SENDER = new MailAddress("", null);

    public MailAddress {
        if (localPart == null) {
            throw new IllegalArgumentException("local part is null");
        }
        if (domain != null && domain.isEmpty()) {
            domain = null;
        }
    }

    /**
     * Splits an internal-form address at its last {@code @}; "" is the null sender. Reads
     * {@link #storedForm()} back exactly.
     */
    public static MailAddress of(String internal) {
        if (internal.isEmpty()) {
            return NULL_SENDER;
        }
        int at = internal.lastIndexOf('@');
        if (at < 0) {
            return new MailAddress(internal, null);
        }
        return new MailAddress(internal.substring(0, at), internal.substring(at + 1));
    }

    public boolean isNullSender() {
        return localPart.isEmpty() && domain == null;
    }

    public boolean isQualified() {
        return domain != null;
    }

    /** The domain in lower case, for comparisons (domains are case-insensitive, RFC 5321 §2.4). */
    public String domainKey() {
        return domain == null ? null : domain.toLowerCase(Locale.ROOT);
    }

    public MailAddress withDomain(String newDomain) {
        return new MailAddress(localPart, newDomain);
    }

    /** The internal form, {@code local@domain} without quoting; "" for the null sender. */
    public String internal() {
        return domain == null ? localPart : localPart + "@" + domain;
    }

    /**
     * The internal form as one string that {@link #of} reads back as this same address, for the
     * records that keep an address as text (queue files, maildrop files). Only an unqualified
     * address whose local part holds an {@code @} ({@code RCPT TO:<"a@b">} with
     * {@code append_at_myorigin = no}) differs from {@link #internal()}: it ends in an {@code @},
     * an empty domain, which {@code of} reads as none, where {@code a@b} would read as local part
     * {@code a} at domain {@code b}.
     */
    public String storedForm() {
        return domain == null && localPart.indexOf('@') >= 0 ? localPart + "@" : internal();
    }

    /**
     * The external (RFC 5321) form: the local part quoted when it is not a dot-string, as it must
     * be written in an SMTP command, a header or a log line.
     */
    public String external() {
        if (isNullSender()) {
            return "";
        }
        String local = isDotString(localPart) ? localPart : quote(localPart);
        return domain == null ? local : local + "@" + domain;
    }

    @Override
    public String toString() {
        return external();
    }

    private static boolean isDotString(String s) {
        if (s.isEmpty() || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80 && !isAtext(c) && c != '.') {
                return false;
            }
        }
        return true;
    }

    static boolean isAtext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }
}
