package org.bulwark.delivery.smtp.tlsrpt;

import java.util.List;
import java.util.Locale;
import org.bulwark.dns.DnsResult;
import org.bulwark.mailauth.report.ReportUri;

/**
 * A domain's TLS-RPT record (RFC 8460 §3): {@code _smtp._tls.<domain>} TXT
 * {@code v=TLSRPTv1; rua=mailto:tlsrpt@example.org,https://reports.example.org/v1}.
 */
public final class PolicyRecord {

    private PolicyRecord() {
    }

    /** The outcome of looking a domain's record up. */
    public sealed interface Lookup {
        /** The record's destinations (those that parse, mailto: and https: alike). */
        record Found(String record, List<ReportUri> destinations) implements Lookup {
        }

        /** No record, or not exactly one: the domain does not want reports (§3). */
        record None(String why) implements Lookup {
        }

        /** DNS failed for now: the lines are kept for the next run. */
        record TryLater(String why) implements Lookup {
        }
    }

    public static String name(String domain) {
        return "_smtp._tls." + domain;
    }

    /**
     * §3: records that do not start with {@code v=TLSRPTv1} are discarded; unless exactly one is
     * left, the domain does not implement TLS-RPT.
     */
    public static Lookup from(DnsResult<String> answer) {
        if (answer.isTemporaryFailure()) {
            return new Lookup.TryLater(((DnsResult.TemporaryFailure<String>) answer).reason());
        }
        List<String> ours = answer.values().stream().filter(PolicyRecord::isVersion1).toList();
        if (ours.size() != 1) {
            return new Lookup.None(ours.isEmpty() ? "no v=TLSRPTv1 record" : ours.size() + " v=TLSRPTv1 records");
        }
        String record = ours.getFirst();
        String rua = field(record, "rua");
        return new Lookup.Found(record, rua == null ? List.of() : ReportUri.parseTlsRptList(rua));
    }

    /** {@code v=TLSRPTv1} followed by optional white space and {@code ;} (§3's grammar). */
    private static boolean isVersion1(String txt) {
        String t = txt.strip();
        return t.startsWith("v=TLSRPTv1") && t.substring(10).stripLeading().startsWith(";");
    }

    /** A field's value: {@code name=value} between semicolons, white space around it removed. */
    private static String field(String record, String name) {
        for (String part : record.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals(name)) {
                return part.substring(eq + 1).strip();
            }
        }
        return null;
    }
}
