package org.bulwark.cleanup;

import java.util.Locale;
import java.util.regex.Pattern;
import org.bulwark.mail.SmtpReply;

/**
 * One action of header_checks(5) and body_checks(5), parsed from a table's result: the word,
 * then optional text. Parsed when it fires (a regexp result may hold {@code $1}), as Postfix does.
 */
sealed interface CheckAction {

    /** REJECT, or a {@code 4NN}/{@code 5NN} reply: the message is refused at the end of DATA. */
    record Reject(SmtpReply reply) implements CheckAction {
    }

    /** WARN and INFO log; HOLD, DISCARD, PASS change the message's fate; all log their text. */
    record Log(String word, String text) implements CheckAction {
    }

    record Prepend(String text) implements CheckAction {
    }

    record Replace(String text) implements CheckAction {
    }

    /** IGNORE drops the line quietly, STRIP drops it with a log line. */
    record Drop(boolean logged, String text) implements CheckAction {
    }

    /** FILTER transport:nexthop, REDIRECT user@domain, BCC user@domain: the envelope changes at commit. */
    record Route(String word, String text) implements CheckAction {
    }

    /** DUNNO and OK: as if nothing matched. */
    record Dunno() implements CheckAction {
    }

    /** A result no action word starts: logged as a warning and otherwise ignored, as Postfix does. */
    record Unknown(String value) implements CheckAction {
    }

    Pattern DSN = Pattern.compile("^[245]\\.\\d{1,3}\\.\\d{1,3}(\\s+|$)");
    Pattern CODE = Pattern.compile("^[45]\\d\\d(\\s+|$)");

    static CheckAction parse(String value) {
        String v = value.strip();
        int space = 0;
        while (space < v.length() && !Character.isWhitespace(v.charAt(space))) {
            space++;
        }
        String word = v.substring(0, space).toUpperCase(Locale.ROOT);
        String text = v.substring(space).strip();
        return switch (word) {
            case "REJECT" -> new Reject(reject(550, text));
            case "WARN", "INFO", "HOLD", "DISCARD", "PASS" -> new Log(word, text);
            case "PREPEND" -> new Prepend(text);
            case "REPLACE" -> new Replace(text);
            case "IGNORE" -> new Drop(false, text);
            case "STRIP" -> new Drop(true, text);
            case "FILTER", "REDIRECT", "BCC" -> new Route(word, text);
            case "DUNNO", "OK" -> new Dunno();
            default -> CODE.matcher(v).find() ? new Reject(reject(Integer.parseInt(v.substring(0, 3)),
                    v.substring(3).strip())) : new Unknown(v);
        };
    }

    /**
     * Postfix's dsn_prepend("5.7.1", text): a text that starts with its own status code keeps it; a
     * 4.x.x status makes the refusal temporary (451), as cleanup's CLEANUP_STAT_DEFER.
     */
    private static SmtpReply reject(int code, String text) {
        String status = code / 100 == 4 ? "4.7.1" : "5.7.1";
        String rest = text.isEmpty() ? CleanupTexts.CONTENT_REJECTED : text;
        var m = DSN.matcher(rest);
        if (m.find()) {
            status = rest.substring(0, m.end()).strip();
            rest = rest.substring(m.end());
            if (status.charAt(0) == '2') {
                // Postfix: "bad DSN action -- need 4.x.x or 5.x.x", and the message is deferred.
                status = "4" + status.substring(1);
            }
            if (rest.isEmpty()) {
                rest = CleanupTexts.CONTENT_REJECTED;
            }
        }
        int replyCode = status.charAt(0) == code / 100 + '0' ? code : status.charAt(0) == '4' ? 451 : 550;
        return SmtpReply.of(replyCode, status, rest);
    }
}
