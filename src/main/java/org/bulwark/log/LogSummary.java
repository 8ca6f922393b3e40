package org.bulwark.log;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a maillog says happened, counted as pflogsumm counts it: a message is received when qmgr
 * first takes it ({@code from=<...>, size=...}), each {@code status=} line of a delivery agent is
 * one recipient delivered, deferred or bounced, each {@code reject:} line one rejection. Lines of
 * any syslog name are read, so that a Postfix maillog gives the same report.
 */
public final class LogSummary {

    private static final Pattern LINE = Pattern.compile(
            "^\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\S+ [^\\s\\[]+/([\\w-]+)\\[\\d+\\]: (.*)$");
    private static final Pattern QUEUED = Pattern.compile("^(\\w+): from=<([^>]*)>, size=(\\d+), nrcpt=\\d+");
    private static final Pattern STATUS = Pattern.compile("^\\w+: to=<([^>]*)>.*?, status=(\\w+)");
    /** {@code reject: RCPT from host[ip]: 554 5.7.1 <x@y>: Relay access denied; from=<...>} */
    private static final Pattern REJECT = Pattern.compile(
            "^\\w+: reject: \\S+ from \\S+: (\\d{3}) (?:\\d\\.\\d{1,3}\\.\\d{1,3} )?(?:<[^>]*>: )?([^;]*)");

    private final Set<String> received = new HashSet<>();
    private long bytesReceived;
    private long delivered;
    private long deferred;
    private long bounced;
    private long rejected;
    private final Map<String, Long> senders = new HashMap<>();
    private final Map<String, Long> recipients = new HashMap<>();
    private final Map<String, Long> rejectReasons = new HashMap<>();

    private LogSummary() {
    }

    /** Reads a whole maillog. */
    public static LogSummary read(BufferedReader maillog) throws IOException {
        LogSummary summary = new LogSummary();
        String line;
        while ((line = maillog.readLine()) != null) {
            summary.add(line);
        }
        return summary;
    }

    private void add(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.matches()) {
            return;
        }
        String program = m.group(1);
        String text = m.group(2);
        Matcher q = QUEUED.matcher(text);
        if (program.equals("qmgr") && q.find()) {
            if (received.add(q.group(1))) {
                bytesReceived += Long.parseLong(q.group(3));
                senders.merge(q.group(2).isEmpty() ? "<>" : q.group(2).toLowerCase(), 1L, Long::sum);
            }
            return;
        }
        Matcher s = STATUS.matcher(text);
        if (s.find()) {
            switch (s.group(2)) {
                case "sent" -> {
                    delivered++;
                    recipients.merge(s.group(1).toLowerCase(), 1L, Long::sum);
                }
                case "deferred" -> deferred++;
                case "bounced" -> bounced++;
                default -> {
                    // expired and the like are counted by their bounce lines
                }
            }
            return;
        }
        Matcher r = REJECT.matcher(text);
        if (r.find()) {
            rejected++;
            rejectReasons.merge(r.group(1) + " " + r.group(2).strip(), 1L, Long::sum);
        }
    }

    /** One name (a sender, a recipient, a reason) and how often it was seen. */
    public record Count(String name, long count) {
    }

    public long received() {
        return received.size();
    }

    public long bytesReceived() {
        return bytesReceived;
    }

    public long delivered() {
        return delivered;
    }

    public long deferred() {
        return deferred;
    }

    public long bounced() {
        return bounced;
    }

    public long rejected() {
        return rejected;
    }

    /** The senders of received messages, most frequent first. */
    public List<Count> topSenders(int limit) {
        return top(senders, limit);
    }

    /** The recipients delivered to, most frequent first. */
    public List<Count> topRecipients(int limit) {
        return top(recipients, limit);
    }

    /** The reject replies, reply code and text without the address, most frequent first. */
    public List<Count> rejectReasons(int limit) {
        return top(rejectReasons, limit);
    }

    private static List<Count> top(Map<String, Long> counts, int limit) {
        return counts.entrySet().stream().map(e -> new Count(e.getKey(), e.getValue()))
                .sorted(Comparator.comparingLong(Count::count).reversed().thenComparing(Count::name))
                .limit(limit).toList();
    }

    /** The report as pflogsumm lays it out: grand totals, then the top lists. */
    public String report(int limit) {
        StringBuilder b = new StringBuilder("Grand Totals\n------------\nmessages\n\n");
        b.append(String.format("%8d   received%n", received()));
        b.append(String.format("%8d   delivered%n", delivered));
        b.append(String.format("%8d   deferred%n", deferred));
        b.append(String.format("%8d   bounced%n", bounced));
        b.append(String.format("%8d   rejected%n", rejected));
        b.append(String.format("%8d   bytes received%n", bytesReceived));
        section(b, "Senders by message count", topSenders(limit));
        section(b, "Recipients by message count", topRecipients(limit));
        section(b, "Reject reasons", rejectReasons(limit));
        return b.toString();
    }

    private static void section(StringBuilder b, String title, List<Count> counts) {
        b.append('\n').append(title).append('\n').append("-".repeat(title.length())).append('\n');
        if (counts.isEmpty()) {
            b.append(" none\n");
        }
        for (Count c : counts) {
            b.append(String.format("%8d   %s%n", c.count(), c.name()));
        }
    }
}
