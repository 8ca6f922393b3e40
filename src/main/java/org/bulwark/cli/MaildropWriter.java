package org.bulwark.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bulwark.pickup.Maildrop;
import org.bulwark.pickup.MaildropFile;

/**
 * Leaves a message in {@code maildrop/} for pickup, so that submission works while the server is
 * down; the writing itself is {@link Maildrop}'s, shared with the server's own reports.
 */
final class MaildropWriter {

    private MaildropWriter() {
    }

    /** A temporary file in the maildrop directory, owned by the submitting user. */
    static Path createTemporary(Path maildrop) throws IOException {
        return Maildrop.createTemporary(maildrop);
    }

    /** The uid that owns a file: the maildrop file records who submitted it, as Postfix's does. */
    static long ownerUid(Path file) {
        try {
            return ((Number) Files.getAttribute(file, "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    static String ownerName(Path file) {
        try {
            return Files.getOwner(file).getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "unknown";
        }
    }

    /**
     * Writes the envelope and the content into {@code temporary}, then publishes it.
     *
     * @param content copies the message content; it may fail with an {@link InputFailure}
     * @return the published file
     */
    static Path write(Path temporary, MaildropFile envelope, ContentCopier content) throws IOException {
        return Maildrop.publish(temporary, envelope, content::copyTo);
    }

    /** Streams the content; the caller owns the input. */
    @FunctionalInterface
    interface ContentCopier {
        void copyTo(OutputStream out) throws IOException;
    }

    /** Reading the submitted message failed (EX_NOINPUT), as distinct from writing it (EX_TEMPFAIL). */
    static final class InputFailure extends IOException {
        InputFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * Copies standard input up to its end or, unless {@code ignoreDots}, up to a line holding only
     * a dot, as sendmail(1) does without {@code -i}. A last line without a line end gets one.
     */
    static void copyInput(InputStream in, OutputStream out, boolean ignoreDots) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean fromLineStart = true;
        int last = '\n';
        while (true) {
            int c;
            try {
                c = in.read();
            } catch (IOException e) {
                throw new InputFailure(e);
            }
            if (c < 0) {
                break;
            }
            last = c;
            line.write(c);
            if (c == '\n') {
                if (!ignoreDots && fromLineStart && isLoneDot(line)) {
                    return;
                }
                line.writeTo(out);
                line.reset();
                fromLineStart = true;
            } else if (line.size() > 2) {
                // Longer than ".\r": cannot be the end marker, so nothing needs holding back.
                line.writeTo(out);
                line.reset();
                fromLineStart = false;
            }
        }
        if (!ignoreDots && fromLineStart && isLoneDot(line)) {
            return;
        }
        line.writeTo(out);
        if (last != '\n') {
            out.write('\n');
        }
    }

    private static boolean isLoneDot(ByteArrayOutputStream line) {
        String s = line.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        return s.equals(".\n") || s.equals(".\r\n") || s.equals(".") || s.equals(".\r");
    }
}
