package org.bulwark.delivery.smtp.tlsrpt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * One report for one policy domain (RFC 8460 §4): the sessions grouped by the policy they were held
 * to, each policy with its success and failure counts and its failures grouped by result-type,
 * addresses, MX host and reason.
 *
 * @param submitter the reporting domain, for the file name (§5.1)
 * @param uniqueId  letters and digits, the file name's unique-id
 */
record TlsReport(String orgName, String contact, String submitter, String reportId, String uniqueId,
                 String domain, long begin, long end, Map<Policy, Counts> policies) {

    /** §4.3 "policy": what makes two sessions one policies[] entry. */
    record Policy(String type, String domain, List<String> strings, List<String> mxHosts) {
    }

    /** §4.3 "failure-details": what makes two failures one entry. */
    record Failure(String result, String sendingIp, String mxHost, String receivingIp, String reason) {
    }

    /** One policy's summary and failure details. */
    static final class Counts {
        long successes;
        final Map<Failure, Long> failures = new LinkedHashMap<>();

        long failureCount() {
            return failures.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    static TlsReport of(String orgName, String contact, String submitter, String reportId, String uniqueId,
                        String domain, long begin, long end, List<SessionLine> lines) {
        Map<Policy, Counts> policies = new LinkedHashMap<>();
        for (SessionLine l : lines) {
            Counts counts = policies.computeIfAbsent(
                    new Policy(l.policyType(), l.policyDomain(), l.policyStrings(), l.mxPatterns()), p -> new Counts());
            if (l.success()) {
                counts.successes++;
            } else {
                counts.failures.merge(new Failure(l.result(), l.sendingIp(), l.mxHost(), l.receivingIp(), l.reason()),
                        1L, Long::sum);
            }
        }
        return new TlsReport(orgName, contact, submitter, reportId, uniqueId, domain, begin, end, policies);
    }

    long sessions() {
        return policies.values().stream().mapToLong(c -> c.successes + c.failureCount()).sum();
    }

    /** §5.1: {@code sender "!" policy-domain "!" begin "!" end "!" unique-id ".json.gz"}. */
    String fileName() {
        return submitter + "!" + domain + "!" + begin + "!" + end + "!" + uniqueId + ".json.gz";
    }

    /** The report as the JSON of §4.4. */
    String json() {
        StringBuilder j = new StringBuilder("{\n");
        field(j, 1, "organization-name", orgName).append(",\n");
        indent(j, 1).append("\"date-range\": {\n");
        field(j, 2, "start-datetime", datetime(begin)).append(",\n");
        field(j, 2, "end-datetime", datetime(end)).append("\n");
        indent(j, 1).append("},\n");
        field(j, 1, "contact-info", contact).append(",\n");
        field(j, 1, "report-id", reportId).append(",\n");
        indent(j, 1).append("\"policies\": [");
        boolean first = true;
        for (Map.Entry<Policy, Counts> e : policies.entrySet()) {
            j.append(first ? "\n" : ",\n");
            first = false;
            policy(j, e.getKey(), e.getValue());
        }
        j.append("\n");
        indent(j, 1).append("]\n");
        return j.append("}\n").toString();
    }

    private static void policy(StringBuilder j, Policy policy, Counts counts) {
        indent(j, 2).append("{\n");
        indent(j, 3).append("\"policy\": {\n");
        field(j, 4, "policy-type", policy.type());
        if (!policy.strings().isEmpty()) {
            j.append(",\n");
            array(j, 4, "policy-string", policy.strings());
        }
        if (!policy.domain().isEmpty()) {
            j.append(",\n");
            field(j, 4, "policy-domain", policy.domain());
        }
        if (!policy.mxHosts().isEmpty()) {
            j.append(",\n");
            array(j, 4, "mx-host", policy.mxHosts());
        }
        j.append("\n");
        indent(j, 3).append("},\n");
        indent(j, 3).append("\"summary\": {\n");
        number(j, 4, "total-successful-session-count", counts.successes).append(",\n");
        number(j, 4, "total-failure-session-count", counts.failureCount()).append("\n");
        indent(j, 3).append("}");
        if (!counts.failures.isEmpty()) {
            j.append(",\n");
            indent(j, 3).append("\"failure-details\": [");
            boolean first = true;
            for (Map.Entry<Failure, Long> f : counts.failures.entrySet()) {
                j.append(first ? "\n" : ",\n");
                first = false;
                failure(j, f.getKey(), f.getValue());
            }
            j.append("\n");
            indent(j, 3).append("]");
        }
        j.append("\n");
        indent(j, 2).append("}");
    }

    private static void failure(StringBuilder j, Failure f, long count) {
        indent(j, 4).append("{\n");
        field(j, 5, "result-type", f.result());
        optional(j, "sending-mta-ip", f.sendingIp());
        optional(j, "receiving-mx-hostname", f.mxHost());
        optional(j, "receiving-ip", f.receivingIp());
        j.append(",\n");
        number(j, 5, "failed-session-count", count);
        optional(j, "failure-reason-code", f.reason());
        j.append("\n");
        indent(j, 4).append("}");
    }

    private static void optional(StringBuilder j, String name, String value) {
        if (!value.isEmpty()) {
            j.append(",\n");
            field(j, 5, name, value);
        }
    }

    /** RFC 3339 date-time in UTC, as §4.4's examples write it. */
    private static String datetime(long epochSeconds) {
        return Instant.ofEpochSecond(epochSeconds).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static StringBuilder indent(StringBuilder j, int level) {
        return j.append("  ".repeat(level));
    }

    private static StringBuilder field(StringBuilder j, int level, String name, String value) {
        return indent(j, level).append(string(name)).append(": ").append(string(value));
    }

    private static StringBuilder number(StringBuilder j, int level, String name, long value) {
        return indent(j, level).append(string(name)).append(": ").append(value);
    }

    private static void array(StringBuilder j, int level, String name, List<String> values) {
        indent(j, level).append(string(name)).append(": [");
        for (int i = 0; i < values.size(); i++) {
            j.append(i == 0 ? "" : ", ").append(string(values.get(i)));
        }
        j.append("]");
    }

    /** RFC 8259 §7: a JSON string; values come from DNS and remote servers. */
    static String string(String value) {
        StringBuilder b = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** The report as sent: the JSON, gzipped (§5.1). */
    byte[] gzip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(json().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
