package org.bulwark.util;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A report that goes out by mail (a DMARC aggregate report, RFC 7489 §7.2.1.1; an SMTP TLS report,
 * RFC 8460 §5.3): a multipart message with a short text and the gzipped report as a base64
 * attachment, lines ended with LF as the maildrop keeps them.
 *
 * @param extraHeaders   whole header lines the kind of report adds ({@code TLS-Report-Domain: ...})
 * @param multipartType  {@code multipart/mixed}, or {@code multipart/report; report-type="tlsrpt"}
 * @param attachmentType {@code application/gzip}, {@code application/tlsrpt+gzip}
 */
public record ReportMail(String from, List<String> to, String subject, List<String> extraHeaders,
                         String multipartType, String text, String attachmentType, String fileName,
                         byte[] attachment) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.US);

    /** The message as of {@code now}. */
    public byte[] compose(ZonedDateTime now) {
        byte[] random = new byte[12];
        RANDOM.nextBytes(random);
        String boundary = "=_report_" + HexFormat.of().formatHex(random);
        StringBuilder m = new StringBuilder()
                .append("From: ").append(from).append('\n')
                .append("To: ").append(String.join(",\n\t", to)).append('\n')
                .append("Subject: ").append(subject).append('\n')
                .append("Date: ").append(DATE.format(now)).append('\n');
        for (String header : extraHeaders) {
            m.append(header).append('\n');
        }
        m.append("Auto-Submitted: auto-generated\n")
                .append("MIME-Version: 1.0\n")
                .append("Content-Type: ").append(multipartType).append(";\n\tboundary=\"").append(boundary).append("\"\n")
                .append("\nThis is a MIME-formatted message.\n")
                .append("\n--").append(boundary).append('\n')
                .append("Content-Type: text/plain; charset=us-ascii\n")
                .append("Content-Transfer-Encoding: 7bit\n\n")
                .append(text).append('\n')
                .append("\n--").append(boundary).append('\n')
                .append("Content-Type: ").append(attachmentType).append("; name=\"").append(fileName).append("\"\n")
                .append("Content-Transfer-Encoding: base64\n")
                .append("Content-Disposition: attachment; filename=\"").append(fileName).append("\"\n\n")
                .append(Base64.getMimeEncoder(76, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(attachment))
                .append('\n')
                .append("\n--").append(boundary).append("--\n");
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }
}
