package org.bulwark.mailauth.report;

import java.time.ZonedDateTime;
import java.util.List;
import org.bulwark.util.ReportMail;

/**
 * The mail that carries an aggregate report (RFC 7489 §7.2.1.1): multipart/mixed with a short
 * text and the gzipped XML as an application/gzip attachment, under the Subject the RFC gives.
 */
final class ReportMessage {

    private ReportMessage() {
    }

    /** The message, lines ended with LF as the maildrop keeps them. */
    static byte[] compose(AggregateReport report, String from, List<String> to, ZonedDateTime now) {
        return new ReportMail(from, to,
                ReportTexts.subject(report.policyDomain(), report.orgName(), report.reportId()), List.of(),
                "multipart/mixed",
                ReportTexts.messageText(report.policyDomain(), report.orgName(), report.begin(), report.end()),
                "application/gzip", report.fileName(), report.gzip()).compose(now);
    }
}
