package org.bulwark.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Postfix's mailq output (showq_compat.c, short queue IDs), column for column, so scripts that
 * parse it keep working. Every text of the listing is here.
 */
final class MailqFormat {

    static final String EMPTY = "Mail queue is empty";
    static final String NO_QUEUE_DIRECTORY = "no such queue directory (is queue_directory right?)";
    /** How showq shows the null sender ({@code empty_address_recipient}). */
    static final String NULL_SENDER = "MAILER-DAEMON";

    /** asctime(3) without the year: {@code Mon Nov  2 17:41:02}. */
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss", Locale.ROOT);

    /**
     * One queue entry. {@code status} is {@code '*'} active, {@code '!'} hold, {@code ' '}
     * otherwise; {@code reason} the deferral reason or {@code null}; {@code unreadableUid} is set
     * for a maildrop file that could not be read, shown as Postfix shows those.
     */
    record Entry(String id, char status, long size, Instant arrival, String sender, String reason,
            List<String> recipients, Long unreadableUid) {

        Entry {
            recipients = List.copyOf(recipients);
        }
    }

    private MailqFormat() {
    }

    static String format(List<Entry> entries, ZoneId zone) {
        if (entries.isEmpty()) {
            return EMPTY + "\n";
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-11s %7s %-20s %s%n", "-Queue ID-", "--Size--", "----Arrival Time----",
                "-Sender/Recipient-------"));
        long total = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (i > 0) {
                out.append('\n');
            }
            total += e.size();
            String time = ASCTIME.format(e.arrival().atZone(zone));
            if (e.unreadableUid() != null) {
                out.append(String.format("%-10s%c %7d %-20s (maildrop queue, sender UID %d)%n",
                        e.id(), ' ', e.size(), time, e.unreadableUid()));
                continue;
            }
            String idStatus = e.status() == ' ' ? e.id() : e.id() + e.status();
            String sender = e.sender().isEmpty() ? NULL_SENDER : e.sender();
            out.append(String.format("%-11s %7d %-20s %s%n", idStatus, e.size(), time, sender));
            boolean reasonShown = false;
            for (String recipient : e.recipients()) {
                if (e.reason() != null && !reasonShown) {
                    // Right-aligned in 78 columns, as showq does.
                    out.append(" ".repeat(Math.max(0, 76 - e.reason().length())))
                            .append('(').append(e.reason()).append(")\n");
                    reasonShown = true;
                }
                out.append(String.format("%-11s %7s %-20s %s%n", "", "", "", recipient));
            }
        }
        out.append(String.format("%n-- %d Kbytes in %d Request%s.%n", total / 1024, entries.size(),
                entries.size() == 1 ? "" : "s"));
        return out.toString().replace(System.lineSeparator(), "\n");
    }
}
