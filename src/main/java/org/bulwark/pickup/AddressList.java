package org.bulwark.pickup;

import java.util.ArrayList;
import java.util.List;

/**
 * The addresses in a To, Cc or Bcc header value (RFC 5322 §3.4): display names, comments and
 * group syntax removed, each address in its internal (unquoted) form.
 */
final class AddressList {

    private AddressList() {
    }

    static List<String> parse(String value) {
        List<String> out = new ArrayList<>();
        StringBuilder item = new StringBuilder();
        String angle = null;
        StringBuilder angleText = null;
        int comment = 0;
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted) {
                (angleText != null ? angleText : item).append(c);
                if (c == '\\' && i + 1 < value.length()) {
                    (angleText != null ? angleText : item).append(value.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (comment > 0) {
                if (c == '\\') {
                    i++;
                } else if (c == '(') {
                    comment++;
                } else if (c == ')') {
                    comment--;
                }
            } else if (c == '(') {
                comment = 1;
            } else if (c == '"') {
                quoted = true;
                (angleText != null ? angleText : item).append(c);
            } else if (angleText != null) {
                if (c == '>') {
                    angle = angleText.toString();
                    angleText = null;
                } else {
                    angleText.append(c);
                }
            } else if (c == '<') {
                angleText = new StringBuilder();
            } else if (c == ':') {
                item.setLength(0); // a group's display name
            } else if (c == ',' || c == ';') {
                add(out, angle != null ? angle : item.toString());
                item.setLength(0);
                angle = null;
            } else {
                item.append(c);
            }
        }
        add(out, angle != null ? angle : item.toString());
        return out;
    }

    private static void add(List<String> out, String address) {
        String a = address.trim();
        int route = a.startsWith("@") ? a.indexOf(':') : -1;
        if (route > 0) {
            a = a.substring(route + 1); // obsolete source route, RFC 5322 §4.4
        }
        if (!a.isEmpty()) {
            out.add(unquote(a));
        }
    }

    /** {@code "john doe"@example.test} becomes {@code john doe@example.test}. */
    private static String unquote(String address) {
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        if (local.length() >= 2 && local.startsWith("\"") && local.endsWith("\"")) {
            StringBuilder b = new StringBuilder();
            for (int i = 1; i < local.length() - 1; i++) {
                char c = local.charAt(i);
                if (c == '\\' && i + 1 < local.length() - 1) {
                    c = local.charAt(++i);
                }
                b.append(c);
            }
            local = b.toString();
        }
        return at < 0 ? local : local + address.substring(at);
    }
}
