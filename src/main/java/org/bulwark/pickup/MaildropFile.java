package org.bulwark.pickup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The envelope of a maildrop file, the sendmail command's hand-off to pickup. The file is UTF-8
 * text lines, each {@code keyword value}, ended by an empty line, followed by the message content
 * exactly as submitted:
 *
 * <pre>
 * bulwark-maildrop 1
 * uid 1000
 * user alice
 * sender alice            (as given with -f, possibly unqualified; empty for the null sender)
 * fullname Alice Example  (optional, from -F)
 * extract-recipients      (optional, from -t: To/Cc/Bcc give recipients, Bcc is removed)
 * recipient bob@example.test   (zero or more)
 *
 * From: ...
 * </pre>
 *
 * A value never holds a line break; pickup qualifies unqualified addresses with {@code myorigin}.
 */
public record MaildropFile(long uid, String user, String sender, String fullName, boolean extractRecipients,
        List<String> recipients) {

    private static final String MAGIC = "bulwark-maildrop 1";
    /** Bounds the envelope so a garbage file cannot exhaust memory. */
    private static final int MAX_LINE = 64 * 1024;

    public MaildropFile {
        recipients = List.copyOf(recipients);
        requireOneLine(user);
        requireOneLine(sender);
        if (fullName != null) {
            requireOneLine(fullName);
        }
        recipients.forEach(MaildropFile::requireOneLine);
    }

    private static void requireOneLine(String value) {
        if (value == null || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("line break in maildrop value");
        }
    }

    /** Writes the envelope and the empty line after it; the content follows. */
    public void writeTo(OutputStream out) throws IOException {
        StringBuilder b = new StringBuilder(MAGIC).append('\n')
                .append("uid ").append(uid).append('\n')
                .append("user ").append(user).append('\n')
                .append("sender ").append(sender).append('\n');
        if (fullName != null) {
            b.append("fullname ").append(fullName).append('\n');
        }
        if (extractRecipients) {
            b.append("extract-recipients\n");
        }
        for (String recipient : recipients) {
            b.append("recipient ").append(recipient).append('\n');
        }
        b.append('\n');
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the envelope; the stream is left at the first byte of the content. */
    public static MaildropFile readFrom(InputStream in) throws IOException {
        String first = readLine(in);
        if (!MAGIC.equals(first)) {
            throw new MalformedMaildropException("not a maildrop file");
        }
        Long uid = null;
        String user = null;
        String sender = null;
        String fullName = null;
        boolean extract = false;
        List<String> recipients = new ArrayList<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int space = line.indexOf(' ');
            String key = space < 0 ? line : line.substring(0, space);
            String value = space < 0 ? "" : line.substring(space + 1);
            switch (key) {
                case "uid" -> uid = parseUid(value);
                case "user" -> user = value;
                case "sender" -> sender = value;
                case "fullname" -> fullName = value;
                case "extract-recipients" -> extract = true;
                case "recipient" -> recipients.add(value);
                default -> throw new MalformedMaildropException("unknown record: " + key);
            }
        }
        if (uid == null || user == null || sender == null) {
            throw new MalformedMaildropException("uid, user or sender missing");
        }
        try {
            return new MaildropFile(uid, user, sender, fullName, extract, recipients);
        } catch (IllegalArgumentException e) {
            throw new MalformedMaildropException(e.getMessage());
        }
    }

    private static long parseUid(String value) throws MalformedMaildropException {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new MalformedMaildropException("bad uid: " + value);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new MalformedMaildropException("truncated envelope");
            }
            if (line.size() >= MAX_LINE) {
                throw new MalformedMaildropException("envelope line too long");
            }
            line.write(c);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** A maildrop file that pickup cannot use; it is moved to corrupt/. */
    public static final class MalformedMaildropException extends IOException {
        public MalformedMaildropException(String message) {
            super(message);
        }
    }
}
