package org.bulwark.mailauth.report;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The mail that carries an aggregate report (RFC 7489 §7.2.1.1): multipart/mixed with a short
 * text and the gzipped XML as an application/gzip attachment, under the Subject the RFC gives.
 */
final class ReportMessage {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.US);

    private ReportMessage() {
    }

    /** The message, lines ended with LF as the maildrop keeps them. */
    static byte[] compose(AggregateReport report, String from, List<String> to, ZonedDateTime now) {
        byte[] random = new byte[12];
        RANDOM.nextBytes(random);
        String boundary = "=_dmarc_" + HexFormat.of().formatHex(random);
        String attachment = Base64.getMimeEncoder(76, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(report.gzip());
        String text = ReportTexts.messageText(report.policyDomain(), report.orgName(), report.begin(), report.end());
        String message = "From: " + from + "\n"
                + "To: " + String.join(",\n\t", to) + "\n"
                + "Subject: " + ReportTexts.subject(report.policyDomain(), report.orgName(), report.reportId()) + "\n"
                + "Date: " + DATE.format(now) + "\n"
                + "Auto-Submitted: auto-generated\n"
                + "MIME-Version: 1.0\n"
                + "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\n"
                + "\n"
                + "This is a MIME-formatted message.\n"
                + "\n--" + boundary + "\n"
                + "Content-Type: text/plain; charset=us-ascii\n"
                + "Content-Transfer-Encoding: 7bit\n"
                + "\n"
                + text + "\n"
                + "\n--" + boundary + "\n"
                + "Content-Type: application/gzip; name=\"" + report.fileName() + "\"\n"
                + "Content-Transfer-Encoding: base64\n"
                + "Content-Disposition: attachment; filename=\"" + report.fileName() + "\"\n"
                + "\n"
                + attachment + "\n"
                + "\n--" + boundary + "--\n";
        return message.getBytes(StandardCharsets.UTF_8);
    }
}
