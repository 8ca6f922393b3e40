package org.bulwark.bounce;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.Recipient;

/**
 * The RFC 3464 multipart/report (RFC 6522): a readable part, the {@code message/delivery-status}
 * part with per-message and per-recipient fields (§2.2, §2.3), and the original message
 * ({@code message/rfc822}) or its headers ({@code text/rfc822-headers}) per RET (RFC 3461 §4.3).
 */
final class DsnWriter {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private final String hostname;
    private final long sizeLimit;

    DsnWriter(String hostname, long sizeLimit) {
        this.hostname = hostname;
        this.sizeLimit = sizeLimit;
    }

    void write(Notice notice, OutputStream out, Instant now, String intro) throws IOException {
        Envelope original = notice.original().envelope();
        String id = notice.original().id().value();
        String boundary = id + "." + now.getEpochSecond() + "/" + hostname;
        StringBuilder b = new StringBuilder();
        b.append("From: MAILER-DAEMON@").append(hostname).append(" (").append(NoticeTexts.FROM_NAME).append(")\n");
        b.append("Subject: ").append(NoticeTexts.subject(notice.kind(), notice.postmaster())).append('\n');
        b.append("To: ").append(notice.envelope().recipients().get(0).address().external()).append('\n');
        // RFC 3834 §5: a notice is an automatic reply; vacation programs must not answer it.
        b.append("Auto-Submitted: auto-replied\n");
        b.append("MIME-Version: 1.0\n");
        b.append("Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"")
                .append(boundary).append("\"\n");
        b.append("Content-Transfer-Encoding: 8bit\n\n");
        b.append(NoticeTexts.MIME_PREAMBLE).append("\n\n");

        b.append("--").append(boundary).append('\n');
        b.append("Content-Description: ").append(NoticeTexts.notificationDescription()).append('\n');
        b.append("Content-Type: text/plain; charset=utf-8\n\n");
        b.append(intro).append('\n');
        for (RecipientReport r : notice.reports()) {
            b.append(NoticeTexts.recipientLine(r.finalAddress().external(), plainOriginal(r.recipient()),
                    r.diagnostic())).append('\n');
        }

        b.append("--").append(boundary).append('\n');
        b.append("Content-Description: ").append(NoticeTexts.reportDescription()).append('\n');
        b.append("Content-Type: message/delivery-status\n\n");
        b.append("Reporting-MTA: dns; ").append(hostname).append('\n');
        b.append("X-Postfix-Queue-ID: ").append(id).append('\n');
        b.append("X-Postfix-Sender: rfc822; ").append(original.sender().external()).append('\n');
        b.append("Arrival-Date: ").append(DATE.format(original.arrival().atZone(ZoneId.systemDefault()))).append('\n');
        if (original.envid() != null) {
            b.append("Original-Envelope-Id: ").append(original.envid()).append('\n');
        }
        for (RecipientReport r : notice.reports()) {
            b.append('\n');
            b.append("Final-Recipient: rfc822; ").append(r.finalAddress().external()).append('\n');
            String orcpt = r.recipient().originalRecipient();
            if (orcpt != null && !orcpt.isEmpty()) {
                b.append("Original-Recipient: ").append(orcpt.contains(";") ? orcpt : "rfc822;" + orcpt).append('\n');
            }
            b.append("Action: ").append(notice.kind().action()).append('\n');
            b.append("Status: ").append(r.status()).append('\n');
            String mta = remoteMta(r.relay());
            if (mta != null) {
                b.append("Remote-MTA: dns; ").append(mta).append('\n');
            }
            b.append("Diagnostic-Code: ").append(diagnosticCode(r.diagnostic())).append('\n');
        }
        b.append('\n');

        boolean headersOnly = notice.kind() != NoticeKind.FAILURE || "HDRS".equalsIgnoreCase(original.ret())
                || notice.original().contentSize() > sizeLimit;
        b.append("--").append(boundary).append('\n');
        b.append("Content-Description: ").append(NoticeTexts.originalDescription(notice.kind(), headersOnly)).append('\n');
        b.append("Content-Type: ").append(headersOnly ? "text/rfc822-headers" : "message/rfc822").append('\n');
        b.append("Content-Transfer-Encoding: 8bit\n\n");
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        try (InputStream in = notice.original().openContent()) {
            if (headersOnly) {
                copyHeaders(in, out);
            } else {
                in.transferTo(out);
            }
        }
        out.write(("\n--" + boundary + "--\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void copyHeaders(InputStream in, OutputStream out) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null && !line.isEmpty()) {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The host of {@code host[ip]:port}; none for local deliveries. */
    private static String remoteMta(String relay) {
        int bracket = relay == null ? -1 : relay.indexOf('[');
        return bracket > 0 ? relay.substring(0, bracket) : null;
    }

    /** RFC 3464 §2.3.6: the SMTP reply when a server gave one, else Postfix's own text. */
    private static String diagnosticCode(String diagnostic) {
        int said = diagnostic.indexOf(" said: ");
        if (diagnostic.startsWith("host ") && said > 0) {
            String reply = diagnostic.substring(said + 7);
            int in = reply.lastIndexOf(" (in reply to ");
            return "smtp; " + (in > 0 ? reply.substring(0, in) : reply);
        }
        return "X-Postfix; " + diagnostic;
    }

    private static String plainOriginal(Recipient r) {
        String o = r.originalRecipient();
        if (o == null || o.isEmpty()) {
            return null;
        }
        int semi = o.indexOf(';');
        return semi > 0 ? o.substring(semi + 1) : o;
    }
}
