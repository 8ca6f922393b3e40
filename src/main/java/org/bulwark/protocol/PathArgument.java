package org.bulwark.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.SmtpReply;

/**
 * The argument of MAIL FROM or RCPT TO: the path, turned into an internal-form address, and the
 * ESMTP parameters that follow it. Tolerant as Postfix is with {@code strict_rfc821_envelopes = no}:
 * a space after the colon, a path without angle brackets. A source route
 * ({@code <@a,@b:user@d>}, RFC 5321 §4.1.1.3 and appendix C) is dropped, as Postfix drops it.
 *
 * @param address  the address in internal form; {@link MailAddress#NULL_SENDER} for {@code <>}
 * @param original the path as the client wrote it, without angle brackets (the default ORCPT)
 * @param nonAscii whether the path holds UTF-8, which needs the SMTPUTF8 parameter (RFC 6531 §3.4)
 */
public record PathArgument(MailAddress address, String original, boolean nonAscii, List<String> parameters) {

    /** What separates the ESMTP parameters; compiled once, as every MAIL and RCPT uses it. */
    private static final Pattern BLANKS = Pattern.compile("[ \\t]+");

    public PathArgument {
        parameters = List.copyOf(parameters);
    }

    public static PathArgument parseMail(String argument, boolean strictRfc821) throws ProtocolException {
        return parse(argument, "FROM:", true, strictRfc821, ReplyTexts.MAIL_SYNTAX, ReplyTexts.BAD_SENDER);
    }

    public static PathArgument parseRcpt(String argument, boolean strictRfc821) throws ProtocolException {
        return parse(argument, "TO:", false, strictRfc821, ReplyTexts.RCPT_SYNTAX, ReplyTexts.BAD_RECIPIENT);
    }

    private static PathArgument parse(String argument, String keyword, boolean allowEmpty, boolean strict,
            SmtpReply syntax, SmtpReply badAddress) throws ProtocolException {
        if (!argument.regionMatches(true, 0, keyword, 0, keyword.length())) {
            throw new ProtocolException(syntax);
        }
        int i = skipBlanks(argument, keyword.length());
        if (i >= argument.length()) {
            throw new ProtocolException(syntax);
        }
        int end;
        String path;
        if (argument.charAt(i) == '<') {
            end = closingBracket(argument, i);
            if (end < 0) {
                throw new ProtocolException(badAddress);
            }
            path = argument.substring(i + 1, end);
            end++;
        } else {
            if (strict) {
                throw new ProtocolException(badAddress);
            }
            end = endOfWord(argument, i);
            path = argument.substring(i, end);
        }
        if (end < argument.length() && !Command.isBlank(argument.charAt(end))) {
            throw new ProtocolException(badAddress);
        }
        List<String> parameters = new ArrayList<>();
        for (String word : BLANKS.split(argument.substring(end).trim())) {
            if (!word.isEmpty()) {
                parameters.add(word);
            }
        }
        MailAddress address = parseMailbox(path, allowEmpty);
        if (address == null) {
            throw new ProtocolException(badAddress);
        }
        return new PathArgument(address, path, !isAscii(path), parameters);
    }

    /**
     * Parses a mailbox (with or without angle brackets and source route) into its internal form,
     * or {@code null} when it is malformed. "" is the null sender when {@code allowEmpty}.
     */
    public static MailAddress parseMailbox(String text, boolean allowEmpty) {
        String s = text;
        if (s.startsWith("<") && s.endsWith(">") && s.length() >= 2) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.startsWith("@")) {
            int colon = s.indexOf(':');
            if (colon < 0) {
                return null;
            }
            s = s.substring(colon + 1);
        }
        if (s.isEmpty()) {
            return allowEmpty ? MailAddress.NULL_SENDER : null;
        }
        String local;
        String rest;
        if (s.charAt(0) == '"') {
            StringBuilder b = new StringBuilder();
            int i = 1;
            while (i < s.length() && s.charAt(i) != '"') {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length()) {
                    c = s.charAt(++i);
                }
                if (c < 0x20 || c == 0x7f) {
                    return null;
                }
                b.append(c);
                i++;
            }
            if (i >= s.length()) {
                return null;
            }
            local = b.toString();
            rest = s.substring(i + 1);
            if (!rest.isEmpty() && rest.charAt(0) != '@') {
                return null;
            }
        } else {
            int at = s.lastIndexOf('@');
            local = at < 0 ? s : s.substring(0, at);
            rest = at < 0 ? "" : s.substring(at);
            if (!isUnquotedLocalPart(local)) {
                return null;
            }
        }
        if (rest.isEmpty()) {
            return local.isEmpty() ? null : new MailAddress(local, null);
        }
        String domain = rest.substring(1);
        if (!isDomain(domain)) {
            return null;
        }
        return new MailAddress(local, domain);
    }

    private static boolean isUnquotedLocalPart(String local) {
        if (local.isEmpty()) {
            return false;
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c <= 0x20 || c == 0x7f || "<>()[]\\,;:\"@".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDomain(String domain) {
        if (domain.isEmpty()) {
            return false;
        }
        if (domain.startsWith("[")) {
            return domain.endsWith("]") && domain.length() > 2
                    && domain.substring(1, domain.length() - 1).chars().allMatch(c -> c > 0x20 && c < 0x7f
                    && c != '[' && c != ']' && c != '\\');
        }
        if (domain.startsWith(".") || domain.contains("..")) {
            return false;
        }
        for (int i = 0; i < domain.length(); i++) {
            char c = domain.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c >= 0x80;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static int closingBracket(String s, int open) {
        boolean quoted = false;
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static int endOfWord(String s, int from) {
        boolean quoted = false;
        int i = from;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && Command.isBlank(c)) {
                break;
            }
        }
        return Math.min(i, s.length());
    }

    private static int skipBlanks(String s, int from) {
        int i = from;
        while (i < s.length() && Command.isBlank(s.charAt(i))) {
            i++;
        }
        return i;
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** The parameter's keyword, upper case: {@code SIZE} of {@code size=100}. */
    static String keyword(String parameter) {
        int eq = parameter.indexOf('=');
        return (eq < 0 ? parameter : parameter.substring(0, eq)).toUpperCase(Locale.ROOT);
    }
}
