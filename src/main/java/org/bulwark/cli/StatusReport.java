package org.bulwark.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bulwark.log.LogMetrics;

/**
 * What {@code bulwark status} shows of the daemon's status socket: messages in and out and rejects
 * by reason in the last minute, the last hour and since start, and the queue sizes.
 */
final class StatusReport {

    private record Row(String label, long[] counts) {
    }

    private final Map<String, long[]> counts = new LinkedHashMap<>();
    private final Map<String, String> queues = new LinkedHashMap<>();
    private long waiting;
    private long oldestSeconds;

    /** Reads the socket's lines ({@code count NAME MINUTE HOUR TOTAL}, {@code queue NAME SIZE}). */
    static StatusReport parse(String text) {
        StatusReport report = new StatusReport();
        for (String line : text.split("\n")) {
            String[] f = line.split("\t");
            if (f.length == 5 && f[0].equals("count")) {
                report.counts.put(f[1], new long[] {number(f[2]), number(f[3]), number(f[4])});
            } else if (f.length == 3 && f[0].equals("queue")) {
                report.queues.put(f[1], f[2]);
            } else if (f.length == 3 && f[0].equals("waiting")) {
                report.waiting = number(f[1]);
                report.oldestSeconds = number(f[2]);
            }
        }
        return report;
    }

    private static long number(String number) {
        try {
            return Long.parseLong(number);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    String format() {
        List<Row> rows = new ArrayList<>();
        rows.add(row("connections", LogMetrics.CONNECTIONS));
        rows.add(row("messages received", LogMetrics.RECEIVED_MESSAGES));
        for (String status : List.of("sent", "deferred", "bounced")) {
            rows.add(row("deliveries " + status, LogMetrics.DELIVERIES + status));
        }
        long[] rejected = new long[3];
        List<Row> reasons = new ArrayList<>();
        counts.forEach((name, c) -> {
            if (name.startsWith(LogMetrics.REJECTS)) {
                reasons.add(new Row("  " + name.substring(LogMetrics.REJECTS.length()), c));
                for (int i = 0; i < 3; i++) {
                    rejected[i] += c[i];
                }
            }
        });
        rows.add(new Row("rejects", rejected));
        rows.addAll(reasons);
        int width = Math.max(24, rows.stream().mapToInt(r -> r.label().length()).max().orElse(0));
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-" + width + "s %12s %12s %12s\n", "", "last minute", "last hour", "since start"));
        for (Row r : rows) {
            b.append(String.format("%-" + width + "s %12d %12d %12d\n", r.label(), r.counts()[0], r.counts()[1],
                    r.counts()[2]));
        }
        List<String> sizes = new ArrayList<>();
        queues.forEach((name, size) -> sizes.add(name + " " + size));
        b.append("queue: ").append(String.join(", ", sizes)).append('\n');
        long deliveredNow = List.of("sent", "deferred", "bounced").stream()
                .mapToLong(status -> row("", LogMetrics.DELIVERIES + status).counts()[0]).sum();
        if (waiting > 0 && deliveredNow == 0) {
            b.append(DaemonTexts.mailPilingUp(waiting, oldestSeconds)).append('\n');
        }
        return b.toString();
    }

    private Row row(String label, String name) {
        return new Row(label, counts.getOrDefault(name, new long[3]));
    }
}
