package org.bulwark.log;

import java.util.regex.Pattern;

/**
 * A reject's reason as pflogsumm groups rejects: the reply text without the parts that name the
 * client, so that one reason is one counter however many clients meet it. Postfix puts what
 * varies per client in brackets ({@code [192.0.2.1]}, {@code <user@example.com>}) or after a comma
 * or semicolon ({@code cannot find your hostname, [192.0.2.1]}); RBL replies
 * ({@code Service unavailable; Client host [ip] blocked using zen.spamhaus.org; text}) are named by
 * what was found, as pflogsumm's "blocked using zen.spamhaus.org".
 */
final class RejectReason {

    private static final Pattern BRACKETED = Pattern.compile("\\s*(?:\\[[^\\]]*\\]|<[^>]*>)");
    private static final String SERVICE_UNAVAILABLE = "Service unavailable; ";

    private RejectReason() {
    }

    /**
     * @param text the reply text after the code, the enhanced status code and the {@code <name>: }
     *     that names the address or host the reply is about
     */
    static String classOf(String text) {
        String reason = BRACKETED.matcher(text).replaceAll("").strip();
        if (reason.startsWith(SERVICE_UNAVAILABLE)) {
            reason = reason.substring(SERVICE_UNAVAILABLE.length());
        }
        int end = reason.length();
        for (char stop : new char[] {';', ','}) {
            int at = reason.indexOf(stop);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        reason = reason.substring(0, end).strip();
        return reason.isEmpty() ? text.strip() : reason;
    }
}
