package org.bulwark.restrict;

import java.util.function.Function;
import org.bulwark.mail.SmtpReply;

/**
 * Postfix's reply templates (default_rbl_reply, rbl_reply_maps): {@code $name}, {@code ${name}},
 * {@code ${name?text}} (text when name has a value) and {@code ${name:text}} (text when it has
 * none), then {@code code [d.d.d] text} read as a reply.
 */
final class ReplyTemplate {

    private ReplyTemplate() {
    }

    /** @param values a name's value, or null when it has none */
    static String expand(String template, Function<String, String> values) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '$' || i + 1 >= template.length()) {
                out.append(c);
                i++;
                continue;
            }
            if (template.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
                continue;
            }
            if (template.charAt(i + 1) == '{') {
                int close = closing(template, i + 2);
                if (close < 0) {
                    out.append(template.substring(i));
                    break;
                }
                String inner = template.substring(i + 2, close);
                int op = indexOfOperator(inner);
                String name = op < 0 ? inner : inner.substring(0, op);
                String value = values.apply(name);
                boolean has = value != null && !value.isEmpty();
                if (op < 0) {
                    out.append(has ? value : "");
                } else if (inner.charAt(op) == '?') {
                    out.append(has ? expand(inner.substring(op + 1), values) : "");
                } else {
                    out.append(has ? value : expand(inner.substring(op + 1), values));
                }
                i = close + 1;
                continue;
            }
            int end = i + 1;
            while (end < template.length()
                    && (Character.isLetterOrDigit(template.charAt(end)) || template.charAt(end) == '_')) {
                end++;
            }
            String value = values.apply(template.substring(i + 1, end));
            out.append(value == null ? "" : value);
            i = end;
        }
        return out.toString();
    }

    /** {@code 554 5.7.1 text} or {@code 554 text} as a reply; null when it does not start with 4xx/5xx. */
    static SmtpReply toReply(String text, String defaultDsn) {
        String t = text.strip();
        if (t.length() < 3 || !t.substring(0, 3).chars().allMatch(Character::isDigit)
                || t.charAt(0) != '4' && t.charAt(0) != '5' || t.length() > 3 && t.charAt(3) != ' ') {
            return null;
        }
        int code = Integer.parseInt(t.substring(0, 3));
        String rest = t.substring(3).strip();
        String dsn = defaultDsn;
        int space = rest.indexOf(' ');
        String first = space < 0 ? rest : rest.substring(0, space);
        if (first.matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
            dsn = first;
            rest = space < 0 ? "" : rest.substring(space + 1).strip();
        }
        return RestrictTexts.reply(code, dsn, rest.isEmpty() ? RestrictTexts.SERVICE_UNAVAILABLE : rest);
    }

    private static int closing(String s, int from) {
        int depth = 1;
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == '{') {
                depth++;
            } else if (s.charAt(i) == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfOperator(String inner) {
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c == '?' || c == ':') {
                return i;
            }
            if (!Character.isLetterOrDigit(c) && c != '_') {
                return -1;
            }
        }
        return -1;
    }
}
