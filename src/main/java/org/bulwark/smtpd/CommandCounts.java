package org.bulwark.smtpd;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-command counts for the disconnect log line, as Postfix 3.0+ writes it:
 * {@code ehlo=1 mail=1 rcpt=1/2 data=1 quit=1 commands=5/6} (ok/total where some failed), in the
 * order of Postfix's command table.
 */
final class CommandCounts {

    private static final String[] ORDER = {
        "helo", "ehlo", "starttls", "auth", "mail", "rcpt", "data", "bdat", "rset", "noop", "vrfy", "etrn",
        "quit", "unknown"};

    private final Map<String, int[]> counts = new LinkedHashMap<>();

    CommandCounts() {
        for (String name : ORDER) {
            counts.put(name, new int[2]);
        }
    }

    void record(String name, boolean ok) {
        int[] c = counts.computeIfAbsent(name, k -> new int[2]);
        c[1]++;
        if (ok) {
            c[0]++;
        }
    }

    /** The counts part of the disconnect line, with a leading space; "" when nothing was sent. */
    String summary() {
        StringBuilder b = new StringBuilder();
        int ok = 0;
        int total = 0;
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            int[] c = e.getValue();
            if (c[1] == 0) {
                continue;
            }
            b.append(' ').append(e.getKey()).append('=').append(fraction(c[0], c[1]));
            ok += c[0];
            total += c[1];
        }
        b.append(" commands=").append(fraction(ok, total));
        return b.toString();
    }

    private static String fraction(int ok, int total) {
        return ok == total ? Integer.toString(total) : ok + "/" + total;
    }
}
