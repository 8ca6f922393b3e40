package org.bulwark.milter;

import java.util.ArrayList;
import java.util.List;
import org.bulwark.mail.SmtpReply;

/** Reply texts into {@link SmtpReply} values: ours, and a milter's SMFIR_REPLYCODE, checked as Postfix checks it. */
final class ReplyText {

    private ReplyText() {
    }

    /** One of our own reply texts ("550 5.7.1 text") into a reply. */
    static SmtpReply parse(String text) {
        return parseCustom(text);
    }

    /**
     * A milter's SMFIR_REPLYCODE text, possibly multi-line ("550-5.7.1 a\r\n550 5.7.1 b"), or null
     * when malformed (Postfix's test: 4xx or 5xx, then space or hyphen, an enhanced code's class
     * matching). Sendmail treats the text as a format, so a milter doubles its '%': undone here.
     */
    static SmtpReply parseCustom(String text) {
        String[] lines = text.split("\r?\n");
        List<String> out = new ArrayList<>();
        int code = -1;
        String enhanced = null;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty() && i == lines.length - 1 && i > 0) {
                break;
            }
            if (line.length() < 4 || (line.charAt(0) != '4' && line.charAt(0) != '5')
                    || !Character.isDigit(line.charAt(1)) || !Character.isDigit(line.charAt(2))
                    || (line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                return null;
            }
            int c = Integer.parseInt(line.substring(0, 3));
            if (code >= 0 && c != code) {
                return null;
            }
            code = c;
            String rest = line.substring(4);
            if (!rest.isEmpty() && Character.isDigit(rest.charAt(0))) {
                if (rest.charAt(0) != line.charAt(0)) {
                    return null;
                }
                int sp = rest.indexOf(' ');
                String e = sp < 0 ? rest : rest.substring(0, sp);
                if (!e.matches("[45]\\.\\d{1,3}\\.\\d{1,3}")) {
                    return null;
                }
                enhanced = enhanced == null ? e : enhanced;
                rest = sp < 0 ? "" : rest.substring(sp + 1);
            }
            out.add(unpercent(rest));
        }
        if (code < 0 || out.isEmpty()) {
            return null;
        }
        return new SmtpReply(code, enhanced, out);
    }

    private static String unpercent(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 1 < s.length() && s.charAt(i + 1) == '%') {
                    b.append('%');
                    i++;
                }
                continue;
            }
            b.append(c);
        }
        return b.toString();
    }
}
