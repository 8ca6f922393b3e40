package org.bulwark.delivery.smtp.tlsrpt;

import java.time.ZonedDateTime;
import java.util.List;
import org.bulwark.util.ReportMail;

/**
 * The mail that carries a TLS report (RFC 8460 §5.3): multipart/report with report-type "tlsrpt",
 * a short text and the gzipped JSON as application/tlsrpt+gzip, with the Subject and the
 * TLS-Report-Domain and TLS-Report-Submitter headers the RFC gives. {@code TLS-Required: No}
 * (RFC 8689) asks MTAs that honour it not to hold the report back for the very TLS trouble it
 * reports (§3).
 */
final class ReportMessage {

    private ReportMessage() {
    }

    /** The message, lines ended with LF as the maildrop keeps them. */
    static byte[] compose(TlsReport report, String from, List<String> to, ZonedDateTime now) {
        return new ReportMail(from, to, TlsRptTexts.subject(report.domain(), report.submitter(), report.reportId()),
                List.of("TLS-Report-Domain: " + report.domain(), "TLS-Report-Submitter: " + report.submitter(),
                        "TLS-Required: No"),
                "multipart/report; report-type=\"tlsrpt\"",
                TlsRptTexts.messageText(report.domain(), report.orgName(), report.begin(), report.end()),
                "application/tlsrpt+gzip", report.fileName(), report.gzip()).compose(now);
    }
}
