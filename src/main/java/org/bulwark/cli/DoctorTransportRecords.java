package org.bulwark.cli;

import java.util.Arrays;

/**
 * The recommended records that make senders insist on TLS (MTA-STS, RFC 8461) and report its
 * failures (TLS-RPT, RFC 8460). Advice: a missing one does not fail the run.
 */
final class DoctorTransportRecords {

    private DoctorTransportRecords() {
    }

    /** RFC 8461 §3.1: {@code v=STSv1; id=} with 1 to 32 letters and digits. */
    static void mtaSts(DoctorRun run, String domain) {
        String name = "_mta-sts." + domain;
        String record = run.txtStartingWith(name, "v=STSv1");
        String id = record == null ? null : tag(record, "id");
        boolean valid = id != null && id.matches("[A-Za-z0-9]{1,32}");
        run.advise(DoctorTexts.mtaStsName(name), valid,
                record == null ? DoctorTexts.mtaStsMissing(domain) : valid ? record : DoctorTexts.mtaStsInvalid(record),
                DoctorTexts.mtaStsRecord(domain, run.clock.instant()));
    }

    /** RFC 8460 §3: {@code v=TLSRPTv1; rua=} with mailto: or https: addresses. */
    static void tlsRpt(DoctorRun run, String domain) {
        String name = "_smtp._tls." + domain;
        String record = run.txtStartingWith(name, "v=TLSRPTv1");
        String rua = record == null ? null : tag(record, "rua");
        boolean valid = rua != null && Arrays.stream(rua.split(","))
                .allMatch(uri -> uri.startsWith("mailto:") || uri.startsWith("https:"));
        run.advise(DoctorTexts.tlsRptName(name), valid,
                record == null ? DoctorTexts.missing() : valid ? record : DoctorTexts.tlsRptInvalid(record),
                DoctorTexts.tlsRptRecord(domain));
    }

    /**
     * A field's value in these records' {@code key=value; ...} syntax (RFC 8461 §3.1, RFC 8460 §3),
     * white space removed. Nothing else in the server reads these records, so their syntax lives here.
     */
    private static String tag(String record, String name) {
        for (String part : record.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().equalsIgnoreCase(name)) {
                return part.substring(eq + 1).replaceAll("\\s", "");
            }
        }
        return null;
    }
}
