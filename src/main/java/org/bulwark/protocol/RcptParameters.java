package org.bulwark.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The ESMTP parameters of RCPT TO: NOTIFY and ORCPT (RFC 3461 §4.1, §4.2); anything else is
 * refused as Postfix refuses it.
 *
 * @param dsnNotify {@code NEVER} or a comma list of SUCCESS, FAILURE, DELAY (upper case); {@code null} when absent
 * @param orcptType the ORCPT address type ({@code rfc822}), or {@code null}
 * @param orcpt     the decoded ORCPT address, or {@code null}
 */
public record RcptParameters(String dsnNotify, String orcptType, String orcpt) {

    private static final Set<String> NOTIFY_WORDS = Set.of("SUCCESS", "FAILURE", "DELAY");

    public static RcptParameters parse(List<String> parameters, boolean dsnEnabled) throws ProtocolException {
        String notify = null;
        String orcptType = null;
        String orcpt = null;
        for (String parameter : parameters) {
            String keyword = PathArgument.keyword(parameter);
            String value = parameter.indexOf('=') < 0 ? null : parameter.substring(parameter.indexOf('=') + 1);
            switch (keyword) {
                case "NOTIFY" -> {
                    MailParameters.requireDsn(dsnEnabled);
                    String parsed = value == null ? null : notify(value);
                    if (notify != null || parsed == null) {
                        throw new ProtocolException(ReplyTexts.BAD_NOTIFY);
                    }
                    notify = parsed;
                }
                case "ORCPT" -> {
                    MailParameters.requireDsn(dsnEnabled);
                    int semicolon = value == null ? -1 : value.indexOf(';');
                    String decoded = semicolon < 0 ? null : Xtext.decode(value.substring(semicolon + 1));
                    if (orcpt != null || semicolon <= 0 || decoded == null) {
                        throw new ProtocolException(ReplyTexts.BAD_ORCPT);
                    }
                    orcptType = value.substring(0, semicolon);
                    orcpt = decoded;
                }
                default -> throw new ProtocolException(ReplyTexts.unsupportedOption(parameter));
            }
        }
        return new RcptParameters(notify, orcptType, orcpt);
    }

    private static String notify(String value) {
        String[] words = value.toUpperCase(Locale.ROOT).split(",", -1);
        if (words.length == 1 && words[0].equals("NEVER")) {
            return "NEVER";
        }
        for (String word : words) {
            if (!NOTIFY_WORDS.contains(word)) {
                return null;
            }
        }
        if (Arrays.stream(words).distinct().count() != words.length) {
            return null;
        }
        return String.join(",", words);
    }
}
