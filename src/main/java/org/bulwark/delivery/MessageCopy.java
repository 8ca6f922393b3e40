package org.bulwark.delivery;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.bulwark.mail.MailAddress;
import org.bulwark.queue.QueuedMessage;

/**
 * Copies a queued message to a mailbox or a command, streamed, with the headers Postfix's local(8)
 * and virtual(8) prepend: {@code Return-Path:} (RFC 5322 §3.6.7, added at final delivery per
 * RFC 5321 §4.4) and {@code Delivered-To:} (the loop detector of Postfix and qmail).
 */
public final class MessageCopy {

    /** How the copy is framed. */
    public enum Format {
        /** One message per file, as is. */
        MAILDIR,
        /** mbox: a {@code From } line, {@code >From } quoting, a blank line after the message. */
        MBOX,
        /** For a command's standard input: a {@code From } line and the message as is. */
        COMMAND
    }

    /** Copy buffers: enough for most mail in one piece, small enough to allocate for every delivery. */
    static final int BUFFER = 16 * 1024;

    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);
    private static final byte[] FROM_ = "From ".getBytes(StandardCharsets.US_ASCII);

    private MessageCopy() {
    }

    /** Writes the copy; the output is flushed, not closed. */
    public static void write(QueuedMessage message, MailAddress recipient, Format format, OutputStream out)
            throws IOException {
        MailAddress sender = message.envelope().sender();
        StringBuilder head = new StringBuilder();
        if (format != Format.MAILDIR) {
            String envelopeSender = sender.isNullSender() ? "MAILER-DAEMON" : sender.internal();
            head.append("From ").append(envelopeSender).append("  ")
                    .append(CTIME.format(Instant.now().atZone(ZoneId.systemDefault()))).append('\n');
        }
        head.append("Return-Path: <").append(sender.external()).append(">\n");
        head.append("Delivered-To: ").append(recipient.external()).append('\n');
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        int last = '\n';
        try (InputStream in = format == Format.MBOX
                ? new BufferedInputStream(message.openContent(), BUFFER) : message.openContent()) {
            if (format == Format.MBOX) {
                last = copyQuotingFrom(in, out);
            } else {
                byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(512, message.contentSize()))];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    last = buffer[n - 1];
                }
            }
        }
        if (last != '\n') {
            out.write('\n');
        }
        if (format == Format.MBOX) {
            out.write('\n');
        }
        out.flush();
    }

    /** mboxo quoting, as Postfix does: a line that starts with "From " gets a '>' in front. */
    private static int copyQuotingFrom(InputStream in, OutputStream out) throws IOException {
        boolean lineStart = true;
        int last = '\n';
        while (true) {
            if (lineStart) {
                in.mark(FROM_.length);
                byte[] peek = in.readNBytes(FROM_.length);
                in.reset();
                if (java.util.Arrays.equals(peek, FROM_)) {
                    out.write('>');
                }
            }
            int c = in.read();
            if (c < 0) {
                return last;
            }
            out.write(c);
            last = c;
            lineStart = c == '\n';
        }
    }
}
