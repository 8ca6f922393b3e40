package org.bulwark.delivery.smtp.tlsrpt;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The mail that carries a TLS report (RFC 8460 §5.3): multipart/report with report-type "tlsrpt",
 * a short text and the gzipped JSON as application/tlsrpt+gzip, with the Subject and the
 * TLS-Report-Domain and TLS-Report-Submitter headers the RFC gives. {@code TLS-Required: No}
 * (RFC 8689) asks MTAs that honour it not to hold the report back for the very TLS trouble it
 * reports (§3).
 */
final class ReportMessage {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.US);

    private ReportMessage() {
    }

    /** The message, lines ended with LF as the maildrop keeps them. */
    static byte[] compose(TlsReport report, String from, List<String> to, ZonedDateTime now) {
        byte[] random = new byte[12];
        RANDOM.nextBytes(random);
        String boundary = "=_tlsrpt_" + HexFormat.of().formatHex(random);
        String attachment = Base64.getMimeEncoder(76, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(report.gzip());
        String message = "From: " + from + "\n"
                + "To: " + String.join(",\n\t", to) + "\n"
                + "Subject: " + TlsRptTexts.subject(report.domain(), report.submitter(), report.reportId()) + "\n"
                + "Date: " + DATE.format(now) + "\n"
                + "TLS-Report-Domain: " + report.domain() + "\n"
                + "TLS-Report-Submitter: " + report.submitter() + "\n"
                + "TLS-Required: No\n"
                + "Auto-Submitted: auto-generated\n"
                + "MIME-Version: 1.0\n"
                + "Content-Type: multipart/report; report-type=\"tlsrpt\";\n\tboundary=\"" + boundary + "\"\n"
                + "\n"
                + "This is a MIME-formatted message.\n"
                + "\n--" + boundary + "\n"
                + "Content-Type: text/plain; charset=us-ascii\n"
                + "Content-Transfer-Encoding: 7bit\n"
                + "\n"
                + TlsRptTexts.messageText(report.domain(), report.orgName(), report.begin(), report.end()) + "\n"
                + "\n--" + boundary + "\n"
                + "Content-Type: application/tlsrpt+gzip; name=\"" + report.fileName() + "\"\n"
                + "Content-Transfer-Encoding: base64\n"
                + "Content-Disposition: attachment; filename=\"" + report.fileName() + "\"\n"
                + "\n"
                + attachment + "\n"
                + "\n--" + boundary + "--\n";
        return message.getBytes(StandardCharsets.UTF_8);
    }
}
