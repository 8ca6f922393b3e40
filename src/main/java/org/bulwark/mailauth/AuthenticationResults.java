package org.bulwark.mailauth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Authentication-Results header field (RFC 8601): one per message, with this server's
 * authserv-id, and the test for inbound ones that claim it (§5: they must be removed).
 */
public final class AuthenticationResults {

    private AuthenticationResults() {
    }

    /**
     * The field, folded with CRLF TAB, without a final line end.
     *
     * @param spf   null when SPF was not checked
     * @param dmarc null when DMARC was not evaluated
     */
    public static String header(String authservId, SpfResult spf, List<DkimResult> dkim, DmarcResult dmarc) {
        List<String> items = new ArrayList<>();
        if (spf != null) {
            items.add("spf=" + spf.result().keyword() + " smtp." + (spf.identity().equals("helo") ? "helo" : "mailfrom")
                    + "=" + value(spf.domain()));
        }
        if (dkim.isEmpty()) {
            items.add("dkim=none");
        }
        for (DkimResult r : dkim) {
            StringBuilder item = new StringBuilder("dkim=" + r.result().keyword());
            if (!r.reason().isEmpty()) {
                item.append(" (").append(MailAuthTexts.clean(r.reason())).append(')');
            }
            if (!r.domain().isEmpty()) {
                item.append(" header.d=").append(value(r.domain()));
            }
            if (!r.selector().isEmpty()) {
                item.append(" header.s=").append(value(r.selector()));
            }
            if (!r.shortB().isEmpty()) {
                item.append(" header.b=").append(value(r.shortB()));
            }
            items.add(item.toString());
        }
        if (dmarc != null) {
            String item = "dmarc=" + dmarc.result().keyword();
            if (!dmarc.policy().isEmpty()) {
                item += " (p=" + dmarc.policy() + " dis=" + dmarc.disposition() + ")";
            }
            if (!dmarc.fromDomain().isEmpty()) {
                item += " header.from=" + value(dmarc.fromDomain());
            }
            items.add(item);
        }
        StringBuilder out = new StringBuilder("Authentication-Results: ").append(authservId);
        for (String item : items) {
            out.append(";\r\n\t").append(item);
        }
        return out.toString();
    }

    /** Whether an inbound Authentication-Results field claims {@code authservId} (RFC 8601 §5). */
    public static boolean claims(HeaderField field, String authservId) {
        if (!field.is("Authentication-Results")) {
            return false;
        }
        String value = field.value().replaceAll("\\([^()]*\\)", " ").strip();
        int end = 0;
        while (end < value.length() && !Character.isWhitespace(value.charAt(end)) && value.charAt(end) != ';') {
            end++;
        }
        return value.substring(0, end).toLowerCase(Locale.ROOT).equals(authservId.toLowerCase(Locale.ROOT));
    }

    /** RFC 2045 token, or a quoted-string when the value has other characters. */
    private static String value(String text) {
        return text.matches("[A-Za-z0-9.@_+/=-]+") ? text : MailAuthTexts.quoted(text);
    }
}
