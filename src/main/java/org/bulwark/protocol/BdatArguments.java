package org.bulwark.protocol;

import java.util.Locale;

/** The arguments of {@code BDAT size [LAST]} (RFC 3030 §2). */
public record BdatArguments(long size, boolean last) {

    public static BdatArguments parse(String argument) throws ProtocolException {
        String[] words = argument.isEmpty() ? new String[0] : argument.trim().split("[ \\t]+");
        if (words.length < 1 || words.length > 2 || words[0].isEmpty()
                || !words[0].chars().allMatch(c -> c >= '0' && c <= '9') || words[0].length() > 18) {
            throw new ProtocolException(ReplyTexts.BDAT_SYNTAX);
        }
        boolean last = false;
        if (words.length == 2) {
            if (!words[1].toUpperCase(Locale.ROOT).equals("LAST")) {
                throw new ProtocolException(ReplyTexts.BDAT_SYNTAX);
            }
            last = true;
        }
        return new BdatArguments(Long.parseLong(words[0]), last);
    }
}
