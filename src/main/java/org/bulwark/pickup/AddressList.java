package org.bulwark.pickup;

import java.util.ArrayList;
import java.util.List;
import org.bulwark.mail.MailAddress;

/**
 * The addresses in a To, Cc or Bcc header value (RFC 5322 §3.4): display names, comments and
 * group syntax removed, each address unquoted into its local part and domain.
 */
final class AddressList {

    private AddressList() {
    }

    static List<MailAddress> parse(String value) {
        List<MailAddress> out = new ArrayList<>();
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

    private static void add(List<MailAddress> out, String address) {
        String a = address.trim();
        int route = a.startsWith("@") ? a.indexOf(':') : -1;
        if (route > 0) {
            a = a.substring(route + 1); // obsolete source route, RFC 5322 §4.4
        }
        if (!a.isEmpty()) {
            out.add(unquote(a));
        }
    }

    /**
     * {@code "john doe"@example.test} becomes john doe at example.test; the domain starts after
     * the closing quote, so {@code "a@b"} is the unqualified local part a@b.
     */
    private static MailAddress unquote(String address) {
        if (address.startsWith("\"")) {
            StringBuilder local = new StringBuilder();
            for (int i = 1; i < address.length(); i++) {
                char c = address.charAt(i);
                if (c == '\\' && i + 1 < address.length()) {
                    local.append(address.charAt(++i));
                } else if (c == '"') {
                    String rest = address.substring(i + 1);
                    if (rest.isEmpty()) {
                        return new MailAddress(local.toString(), null);
                    }
                    if (rest.startsWith("@")) {
                        return new MailAddress(local.toString(), rest.substring(1));
                    }
                    break;
                } else {
                    local.append(c);
                }
            }
        }
        return MailAddress.of(address);
    }
}
