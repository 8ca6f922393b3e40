package org.bulwark.mailauth.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * One aggregate report for one policy domain (RFC 7489 §7.2, the XML of Appendix C): the
 * published policy, and one record per group of messages alike in source address, disposition,
 * DMARC results, identifiers and authentication results, with their count.
 *
 * @param receiver the reporting domain, for the file name (§7.2.1.1)
 */
record AggregateReport(String orgName, String email, String receiver, String reportId, long begin, long end,
                       HistoryLine.Policy policy, Map<Row, Integer> rows) {

    /** What makes two messages one record. */
    record Row(String sourceIp, String disposition, String dkimAligned, String spfAligned, String reason,
               String headerFrom, String envelopeFrom, List<HistoryLine.Signature> dkim, String spfDomain,
               String spfScope, String spfResult) {
    }

    /**
     * Groups one policy domain's lines; the policy published is the one seen last (a domain may
     * change its record during the period).
     */
    static AggregateReport of(String orgName, String email, String receiver, String reportId, long end,
                              List<HistoryLine> lines) {
        Map<Row, Integer> rows = new LinkedHashMap<>();
        long begin = end;
        HistoryLine.Policy policy = null;
        for (HistoryLine l : lines) {
            begin = Math.min(begin, l.time());
            policy = l.policy();
            Row row = new Row(l.sourceIp(), l.disposition(), l.dkimAligned(), l.spfAligned(), l.reason(), l.headerFrom(),
                    l.envelopeFrom(), l.dkim(), l.spfDomain(), l.spfScope(), l.spfResult());
            rows.merge(row, 1, Integer::sum);
        }
        return new AggregateReport(orgName, email, receiver, reportId, begin, end, policy, rows);
    }

    String policyDomain() {
        return policy.domain();
    }

    /** §7.2.1.1: {@code receiver "!" policy-domain "!" begin "!" end ".xml.gz"}. */
    String fileName() {
        return receiver + "!" + policy.domain() + "!" + begin + "!" + end + ".xml.gz";
    }

    String xml() {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback>\n");
        x.append("  <version>1.0</version>\n");
        x.append("  <report_metadata>\n");
        element(x, 4, "org_name", orgName);
        element(x, 4, "email", email);
        element(x, 4, "report_id", reportId);
        x.append("    <date_range>\n");
        element(x, 6, "begin", Long.toString(begin));
        element(x, 6, "end", Long.toString(end));
        x.append("    </date_range>\n");
        x.append("  </report_metadata>\n");
        x.append("  <policy_published>\n");
        element(x, 4, "domain", policy.domain());
        element(x, 4, "adkim", policy.adkim());
        element(x, 4, "aspf", policy.aspf());
        element(x, 4, "p", policy.p());
        element(x, 4, "sp", policy.sp());
        element(x, 4, "pct", Integer.toString(policy.pct()));
        x.append("  </policy_published>\n");
        rows.forEach((row, count) -> record(x, row, count));
        return x.append("</feedback>\n").toString();
    }

    private static void record(StringBuilder x, Row row, int count) {
        x.append("  <record>\n    <row>\n");
        element(x, 6, "source_ip", row.sourceIp());
        element(x, 6, "count", Integer.toString(count));
        x.append("      <policy_evaluated>\n");
        element(x, 8, "disposition", row.disposition());
        element(x, 8, "dkim", row.dkimAligned());
        element(x, 8, "spf", row.spfAligned());
        if (!row.reason().isEmpty()) {
            x.append("        <reason>\n");
            element(x, 10, "type", row.reason());
            x.append("        </reason>\n");
        }
        x.append("      </policy_evaluated>\n    </row>\n");
        x.append("    <identifiers>\n");
        element(x, 6, "envelope_from", row.envelopeFrom());
        element(x, 6, "header_from", row.headerFrom());
        x.append("    </identifiers>\n");
        x.append("    <auth_results>\n");
        for (HistoryLine.Signature s : row.dkim()) {
            x.append("      <dkim>\n");
            element(x, 8, "domain", s.domain());
            if (!s.selector().isEmpty()) {
                element(x, 8, "selector", s.selector());
            }
            element(x, 8, "result", s.result());
            x.append("      </dkim>\n");
        }
        // The schema wants one spf element; a message without an SPF check reports none.
        x.append("      <spf>\n");
        element(x, 8, "domain", row.spfDomain());
        element(x, 8, "scope", row.spfScope().isEmpty() ? "mfrom" : row.spfScope());
        element(x, 8, "result", row.spfResult().isEmpty() ? "none" : row.spfResult());
        x.append("      </spf>\n");
        x.append("    </auth_results>\n  </record>\n");
    }

    private static void element(StringBuilder x, int indent, String name, String value) {
        x.append(" ".repeat(indent)).append('<').append(name).append('>').append(escape(value))
                .append("</").append(name).append(">\n");
    }

    /** XML 1.0 §2.4 character data; characters XML cannot carry at all become '?'. */
    private static String escape(String value) {
        StringBuilder b = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                default -> b.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? '?' : c);
            }
        }
        return b.toString();
    }

    /** The report as sent: the XML, gzipped (§7.2.1.1). */
    byte[] gzip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(xml().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
