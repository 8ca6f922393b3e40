package org.bulwark.cleanup;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bulwark.milter.MessageContent;
import org.bulwark.milter.MessageEdit;
import org.bulwark.milter.ReplacementBody;
import org.bulwark.milter.MessageResult;
import org.bulwark.milter.MilterSession;

/**
 * Holds the message back between the header and body checks and what writes the queue file (the
 * DKIM filter or the file itself), so that the milters see it at the end of the message and their
 * edits are made before anything downstream sees it: DKIM signs the final message, and the queue
 * file is written once. The header block stays in memory (it is bounded by header_size_limit per
 * header); the body too up to {@link #MEMORY_LIMIT}, beyond which it goes to a private temporary
 * file. Content arrives with LF line ends, as cleanup stores it; the milters get CRLF.
 *
 * <p>When no milter will see the headers or the body or may change them (each declined them,
 * SMFIP_NOHDRS and SMFIP_NOBODY, and asked for no header or body action), the message is not held
 * back: it goes on as it comes, copied once, and the milters get only end of message.
 */
final class MilterStage extends HeaderBlockStream {

    /** What of the body stays in memory before it goes to a temporary file. */
    static final int MEMORY_LIMIT = 256 * 1024;

    private final OutputStream out;
    /** False when no milter needs the content: it passes straight through. */
    private final boolean holding;
    private final Buffer memoryBody = new Buffer();
    private Path spool;
    private OutputStream spoolOut;
    /** A milter sent a header or body edit although the message was not held for one; it was dropped. */
    private boolean contentEditsDropped;

    MilterStage(OutputStream out, boolean holding) {
        super(2048);
        this.out = out;
        this.holding = holding;
    }

    @Override
    void bodyStarts() throws IOException {
        if (!holding) {
            headers().writeTo(out);
            out.write('\n');
        }
    }

    @Override
    void body(byte[] b, int off, int len) throws IOException {
        if (!holding) {
            out.write(b, off, len);
            return;
        }
        if (spoolOut == null && memoryBody.size() + len <= MEMORY_LIMIT) {
            memoryBody.write(b, off, len);
            return;
        }
        if (spoolOut == null) {
            spool = Files.createTempFile("bulwark-milter", ".tmp");
            spoolOut = new BufferedOutputStream(Files.newOutputStream(spool), 65536);
            memoryBody.writeTo(spoolOut);
            memoryBody.reset();
        }
        spoolOut.write(b, off, len);
    }

    @Override
    public void flush() {
        // Nothing goes downstream before the milters have judged the message.
    }

    /** The header fields as stored (LF line ends), each with its raw bytes. */
    List<MilterEdits.Field> fields() {
        List<MilterEdits.Field> fields = new ArrayList<>();
        byte[] block = headers().toByteArray();
        int start = 0;
        for (int i = 0; i < block.length; i++) {
            if (block[i] != '\n') {
                continue;
            }
            boolean continued = i + 1 < block.length && (block[i + 1] == ' ' || block[i + 1] == '\t');
            if (!continued) {
                fields.add(MilterEdits.Field.of(new String(block, start, i - start, StandardCharsets.UTF_8),
                        java.util.Arrays.copyOfRange(block, start, i + 1)));
                start = i + 1;
            }
        }
        if (start < block.length) {
            byte[] rest = java.util.Arrays.copyOfRange(block, start, block.length);
            fields.add(MilterEdits.Field.of(new String(rest, StandardCharsets.UTF_8).stripTrailing(),
                    (new String(rest, StandardCharsets.ISO_8859_1).stripTrailing() + "\n")
                            .getBytes(StandardCharsets.ISO_8859_1)));
        }
        return fields;
    }

    /**
     * Ends the content and hands it to the milters, one after another; each milter's edits are
     * made in {@code edits} before the next milter sees the message (headers and body as edited so
     * far), as Postfix's cleanup makes them in the queue file that the next milter reads. The
     * result's edits are all in {@code edits} already when it proceeds.
     */
    MessageResult judge(MilterSession milters, MilterEdits edits) throws IOException {
        if (spoolOut != null) {
            spoolOut.flush();
        }
        if (!inBody()) {
            enterBody();
        }
        if (!holding) {
            MessageContent none = new MessageContent(List.of(), InputStream::nullInputStream);
            return milters.message(none, made -> edits.apply(envelopeEdits(made)).decided() ? null : none);
        }
        try {
            return milters.message(content(edits), made -> edits.apply(made).decided() ? null : content(edits));
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** A passed-through message's edits without those of its content, which it is too late for. */
    private List<MessageEdit> envelopeEdits(List<MessageEdit> made) {
        List<MessageEdit> kept = new ArrayList<>(made.size());
        for (MessageEdit edit : made) {
            switch (edit) {
                case MessageEdit.AddHeader a -> contentEditsDropped = true;
                case MessageEdit.InsertHeader i -> contentEditsDropped = true;
                case MessageEdit.ChangeHeader c -> contentEditsDropped = true;
                case MessageEdit.DeleteHeader d -> contentEditsDropped = true;
                case MessageEdit.ReplaceBody(ReplacementBody body) -> {
                    body.close();
                    contentEditsDropped = true;
                }
                default -> kept.add(edit);
            }
        }
        return kept;
    }

    /** Whether header or body edits were dropped from a message that was not held for them. */
    boolean contentEditsDropped() {
        return contentEditsDropped;
    }

    /** Whether the message is held for the milters, so that their header and body edits can be made. */
    boolean holding() {
        return holding;
    }

    /** The message as the milters see it now: the fields as edited, the body replaced or our own. */
    private MessageContent content(MilterEdits edits) {
        List<MessageContent.Header> shown = new ArrayList<>();
        for (MilterEdits.Field f : edits.fields()) {
            if (f.name() != null) {
                shown.add(new MessageContent.Header(f.name(), f.value()));
            }
        }
        return new MessageContent(shown, () -> {
            InputStream replaced = edits.replacementBody();
            return replaced != null ? replaced : new CrlfInputStream(openBody());
        });
    }

    /** Writes the (edited) header block and the body, original or replaced, downstream. */
    void writeOut(List<MilterEdits.Field> fields, InputStream replacementBody) throws IOException {
        if (!holding) {
            out.flush();
            return;
        }
        for (MilterEdits.Field f : fields) {
            out.write(f.raw());
        }
        out.write('\n');
        if (replacementBody != null) {
            try (InputStream in = new LfInputStream(replacementBody)) {
                in.transferTo(out);
            }
        } else {
            try (InputStream in = openBody()) {
                in.transferTo(out);
            }
        }
        out.flush();
    }

    private InputStream openBody() throws IOException {
        if (spoolOut == null) {
            return memoryBody.open();
        }
        spoolOut.flush();
        return Files.newInputStream(spool);
    }

    /** Deletes the temporary file; safe more than once. */
    void discard() {
        try {
            if (spoolOut != null) {
                spoolOut.close();
            }
            if (spool != null) {
                Files.deleteIfExists(spool);
            }
        } catch (IOException e) {
            // A leftover temporary file is harmless.
        }
    }

    /** A body in memory, read in place however many milters read it. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(4096);
        }

        InputStream open() {
            return new ByteArrayInputStream(buf, 0, count);
        }
    }

    /** LF to CRLF, as the milter protocol carries the body; converts a chunk at a time. */
    private static final class CrlfInputStream extends InputStream {
        private final InputStream in;
        private final byte[] chunk = new byte[8192];
        private int pos;
        private int end;
        private boolean pendingLf;

        CrlfInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = 0;
            if (pendingLf) {
                b[off + n++] = '\n';
                pendingLf = false;
            }
            if (pos == end && n == 0) {
                end = in.read(chunk, 0, chunk.length);
                pos = 0;
                if (end <= 0) {
                    end = 0;
                    return -1;
                }
            }
            while (n < len && pos < end) {
                byte c = chunk[pos++];
                if (c == '\n') {
                    b[off + n++] = '\r';
                    if (n == len) {
                        pendingLf = true;
                        break;
                    }
                }
                b[off + n++] = c;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** CRLF to LF, as the queue file stores lines. */
    private static final class LfInputStream extends FilterInputStream {
        private int held = -1;

        LfInputStream(InputStream in) {
            super(new java.io.BufferedInputStream(in, 8192));
        }

        @Override
        public int read() throws IOException {
            int c = held >= 0 ? held : in.read();
            held = -1;
            if (c == '\r') {
                int next = in.read();
                if (next == '\n') {
                    return '\n';
                }
                held = next;
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = 0;
            while (n < len) {
                if (n > 0 && held < 0 && in.available() <= 0) {
                    break;
                }
                int c = read();
                if (c < 0) {
                    return n == 0 ? -1 : n;
                }
                b[off + n++] = (byte) c;
            }
            return n;
        }
    }
}
