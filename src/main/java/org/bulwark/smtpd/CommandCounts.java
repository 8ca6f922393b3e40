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

    /** ok and total per name of {@link #ORDER}: arrays, as every session of an idle crowd holds one. */
    private final int[] ok = new int[ORDER.length];
    private final int[] total = new int[ORDER.length];
    /** Names outside the table, in the order first seen; rarely any. */
    private Map<String, int[]> others;

    void record(String name, boolean succeeded) {
        for (int i = 0; i < ORDER.length; i++) {
            if (ORDER[i].equals(name)) {
                total[i]++;
                ok[i] += succeeded ? 1 : 0;
                return;
            }
        }
        if (others == null) {
            others = new LinkedHashMap<>();
        }
        int[] c = others.computeIfAbsent(name, k -> new int[2]);
        c[1]++;
        c[0] += succeeded ? 1 : 0;
    }

    /** The counts part of the disconnect line, with a leading space; "" when nothing was sent. */
    String summary() {
        StringBuilder b = new StringBuilder();
        int allOk = 0;
        int all = 0;
        for (int i = 0; i < ORDER.length; i++) {
            if (total[i] > 0) {
                b.append(' ').append(ORDER[i]).append('=').append(fraction(ok[i], total[i]));
                allOk += ok[i];
                all += total[i];
            }
        }
        if (others != null) {
            for (Map.Entry<String, int[]> e : others.entrySet()) {
                int[] c = e.getValue();
                b.append(' ').append(e.getKey()).append('=').append(fraction(c[0], c[1]));
                allOk += c[0];
                all += c[1];
            }
        }
        b.append(" commands=").append(fraction(allOk, all));
        return b.toString();
    }

    private static String fraction(int ok, int total) {
        return ok == total ? Integer.toString(total) : ok + "/" + total;
    }
}
