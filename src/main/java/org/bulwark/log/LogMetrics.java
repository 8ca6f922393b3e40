package org.bulwark.log;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counters for the Prometheus text format (version 0.0.4), counted from the maillog lines as they
 * are written: every event that matters to an operator is logged already, in one wording, so
 * counting the log keeps the numbers and the log in agreement without a hook in each component.
 */
public final class LogMetrics {

    /** The reply text runs to the log's own {@code ; from=<...>} (or {@code ; proto=} without a sender). */
    private static final Pattern REJECT = Pattern.compile("^\\w+: reject: (\\S+) from \\S+: (\\d{3}) "
            + "(?:\\d\\.\\d{1,3}\\.\\d{1,3} )?(?:<[^>]*>: )?(.*?)(?:; (?:from=<|proto=).*)?$");
    /** Delivery delay buckets in seconds: immediate, retried soon, retried later, a day. */
    private static final double[] BUCKETS = {0.1, 0.5, 1, 5, 30, 300, 3600, 86400};

    public static final String CONNECTIONS = "connections";
    public static final String RECEIVED_MESSAGES = "received";
    public static final String DELIVERIES = "delivery ";
    public static final String REJECTS = "reject ";
    /** Where rejects are counted once there are too many different reasons to keep each. */
    public static final String OTHER_REASONS = "(other reasons)";
    /**
     * The most reject series kept by reason: a policy server's or an access table's text may
     * still vary per client after {@link RejectReason#classOf}, and every series costs the
     * scraper and this process memory for good. Beyond it a reject counts under its stage and
     * code with the reason {@link #OTHER_REASONS}.
     */
    static final int MAX_REJECT_SERIES = 100;

    private final LongAdder connections = new LongAdder();
    private final LongAdder transactions = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final Map<String, LongAdder> rejects = new ConcurrentHashMap<>();
    private final ReentrantLock newRejectSeries = new ReentrantLock();
    private final Map<String, LongAdder> deliveries = new ConcurrentHashMap<>();
    private final AtomicLong[] delayBuckets = new AtomicLong[BUCKETS.length + 1];
    private final LongAdder delayCount = new LongAdder();
    private final java.util.concurrent.atomic.DoubleAdder delaySum = new java.util.concurrent.atomic.DoubleAdder();

    private final RecentCounts recent;

    public LogMetrics() {
        this(java.time.InstantSource.system());
    }

    /** With {@code clock} deciding which second an event falls in, for the recent windows. */
    public LogMetrics(java.time.InstantSource clock) {
        recent = new RecentCounts(clock);
        for (int i = 0; i < delayBuckets.length; i++) {
            delayBuckets[i] = new AtomicLong();
        }
    }

    /** Counts one log line ({@link MailLog#observe}). */
    public void count(String line) {
        // "postfix/smtpd[4242]: text": every line of a busy server passes here.
        int colon = line.indexOf("]: ");
        int bracket = colon < 0 ? -1 : line.lastIndexOf('[', colon);
        if (bracket <= 0) {
            return;
        }
        int slash = line.lastIndexOf('/', bracket);
        String program = line.substring(slash + 1, bracket);
        String text = line.substring(colon + 3);
        if (text.startsWith("connect from ")) {
            connections.increment();
            recent.record(CONNECTIONS);
            return;
        }
        // What follows "QUEUEID: " (or "NOQUEUE: "), the start of every line counted below: most
        // lines of a busy server are none of them, and a look at it spares them the patterns.
        int word = text.indexOf(": ");
        if (word <= 0 || !wordCharacters(text, 0, word)) {
            return;
        }
        // cleanup's lines when a transaction opens a queue file, and when the file is made durable.
        if (text.startsWith("client=", word + 2)) {
            transactions.increment();
            return;
        }
        if (text.startsWith("message-id=", word + 2)) {
            received.increment();
            recent.record(RECEIVED_MESSAGES);
            return;
        }
        if (text.startsWith("to=<", word + 2)) {
            countDelivery(text, word + 2, program);
            return;
        }
        if (!text.startsWith("reject: ", word + 2)) {
            return;
        }
        Matcher r = REJECT.matcher(text);
        if (r.find()) {
            String reason = RejectReason.classOf(r.group(3));
            rejectCounter(r.group(1), r.group(2), reason).increment();
            recent.record(REJECTS + r.group(1) + " " + r.group(2) + " " + reason, REJECTS + OTHER_REASONS);
        }
    }

    /** The counter of one stage, code and reason, or of {@link #OTHER_REASONS} once there are too many. */
    private LongAdder rejectCounter(String stage, String code, String reason) {
        String key = label("stage", stage) + "," + label("code", code) + "," + label("reason", reason);
        LongAdder counter = rejects.get(key);
        if (counter != null) {
            return counter;
        }
        newRejectSeries.lock();
        try {
            if (!rejects.containsKey(key) && rejects.size() >= MAX_REJECT_SERIES) {
                key = label("stage", stage) + "," + label("code", code) + "," + label("reason", OTHER_REASONS);
            }
            return rejects.computeIfAbsent(key, k -> new LongAdder());
        } finally {
            newRejectSeries.unlock();
        }
    }

    /**
     * The counts of the last minute and hour, by name: {@link #CONNECTIONS}, {@link #RECEIVED_MESSAGES},
     * {@link #DELIVERIES} followed by a status (sent, deferred, bounced), {@link #REJECTS}
     * followed by stage, reply code and reason ({@code RCPT 554 Relay access denied}).
     */
    public java.util.Map<String, RecentCounts.Window> recent() {
        return recent.windows();
    }

    /** The exposition; {@code queues} gives the number of messages in each queue at scrape time. */
    public String exposition(Supplier<Map<String, Integer>> queues) {
        StringBuilder b = new StringBuilder();
        counter(b, "bulwark_smtpd_connections_total", "SMTP connections accepted", Map.of("", connections.sum()));
        counter(b, "bulwark_smtpd_transactions_total", "mail transactions that reached DATA",
                Map.of("", transactions.sum()));
        counter(b, "bulwark_messages_received_total", "messages accepted into the queue", Map.of("", received.sum()));
        counter(b, "bulwark_smtpd_rejects_total", "SMTP commands rejected, by stage, reply code and reason",
                sums(rejects));
        counter(b, "bulwark_deliveries_total", "recipient deliveries by status and transport", sums(deliveries));
        b.append("# HELP bulwark_delivery_delay_seconds time from arrival to delivery attempt result\n")
                .append("# TYPE bulwark_delivery_delay_seconds histogram\n");
        long cumulative = 0;
        for (int i = 0; i < delayBuckets.length; i++) {
            cumulative += delayBuckets[i].get();
            String le = i < BUCKETS.length ? format(BUCKETS[i]) : "+Inf";
            b.append("bulwark_delivery_delay_seconds_bucket{le=\"").append(le).append("\"} ").append(cumulative)
                    .append('\n');
        }
        b.append("bulwark_delivery_delay_seconds_sum ").append(format(delaySum.sum())).append('\n');
        b.append("bulwark_delivery_delay_seconds_count ").append(delayCount.sum()).append('\n');
        b.append("# HELP bulwark_queue_messages messages in each queue\n# TYPE bulwark_queue_messages gauge\n");
        new TreeMap<>(queues.get()).forEach((queue, size) -> b.append("bulwark_queue_messages{")
                .append(label("queue", queue)).append("} ").append(size).append('\n'));
        return b.toString();
    }

    private static Map<String, Long> sums(Map<String, LongAdder> counters) {
        Map<String, Long> sums = new TreeMap<>();
        counters.forEach((labels, adder) -> sums.put(labels, adder.sum()));
        return sums;
    }

    private static void counter(StringBuilder b, String name, String help, Map<String, Long> values) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n");
        values.forEach((labels, value) -> b.append(name).append(labels.isEmpty() ? "" : "{" + labels + "}")
                .append(' ').append(value).append('\n'));
    }

    /**
     * A delivery agent's "to=<...>, ..., delay=N, ..., status=word" line: its status by transport
     * and its delay. Read with indexOf rather than a pattern: one such line comes with every
     * delivery, and the pattern's lazy scans over it cost more than the rest of the counting.
     */
    private void countDelivery(String text, int to, String program) {
        int addressEnd = text.indexOf('>', to + 4);
        if (addressEnd < 0) {
            return;
        }
        // The first ", delay=" that a number and a comma follow, then the first ", status=" with a word.
        int number = -1;
        int numberEnd = -1;
        for (int at = text.indexOf(", delay=", addressEnd); at >= 0; at = text.indexOf(", delay=", at + 1)) {
            int start = at + ", delay=".length();
            int end = start;
            while (end < text.length() && "0123456789.".indexOf(text.charAt(end)) >= 0) {
                end++;
            }
            if (end > start && end < text.length() && text.charAt(end) == ',') {
                number = start;
                numberEnd = end;
                break;
            }
        }
        if (number < 0) {
            return;
        }
        String status = null;
        for (int at = text.indexOf(", status=", numberEnd); at >= 0 && status == null; at = text.indexOf(", status=", at + 1)) {
            int start = at + ", status=".length();
            int end = start;
            while (end < text.length() && wordCharacters(text, end, end + 1)) {
                end++;
            }
            if (end > start) {
                status = text.substring(start, end);
            }
        }
        double delay;
        try {
            delay = Double.parseDouble(text.substring(number, numberEnd));
        } catch (NumberFormatException e) {
            return; // "1.2.3": not a delay this server wrote
        }
        if (status == null) {
            return;
        }
        deliveries.computeIfAbsent(label("status", status) + "," + label("transport", program),
                k -> new LongAdder()).increment();
        recent.record(DELIVERIES + status);
        int bucket = 0;
        while (bucket < BUCKETS.length && delay > BUCKETS[bucket]) {
            bucket++;
        }
        delayBuckets[bucket].incrementAndGet();
        delayCount.increment();
        delaySum.add(delay);
    }

    /** Whether text[from, to) is all of the pattern class \w: ASCII letters, digits and '_'. */
    private static boolean wordCharacters(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** {@code name="value"} with the format's escapes for backslash, quote and newline. */
    private static String label(String name, String value) {
        return name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
