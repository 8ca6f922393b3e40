package org.bulwark.cleanup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.bulwark.util.ByteSearch;

/**
 * The content filter between the client and the queue file: turns CRLF into LF, parses the header
 * block one header at a time (with its folded lines), cuts a header at {@code header_size_limit},
 * appends missing headers at the end of the block, then copies the body through. At most one
 * header is held in memory; the body is never buffered here.
 */
final class HeaderStream extends OutputStream {

    private enum LineKind { UNDECIDED, HEADER, CONTINUATION }

    private final OutputStream out;
    private final int headerSizeLimit;
    private final Function<Set<String>, List<String>> missingHeaders;

    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final ByteArrayOutputStream header = new ByteArrayOutputStream(256);
    private final Set<String> seen = new HashSet<>();
    private LineKind kind = LineKind.UNDECIDED;
    private boolean spaceAfterName;
    private boolean headerOpen;
    private boolean inHeaders = true;
    private boolean pendingCr;
    private int lastBodyByte = '\n';
    private String messageId;
    private int receivedCount;
    private boolean finished;

    /**
     * @param missingHeaders given the lower-case names of the headers seen, the complete header
     *                       lines (without LF) to append at the end of the header block
     */
    HeaderStream(OutputStream out, int headerSizeLimit, Function<Set<String>, List<String>> missingHeaders) {
        this.out = out;
        this.headerSizeLimit = headerSizeLimit;
        this.missingHeaders = missingHeaders;
    }

    /** The value of the message's first Message-ID header, or {@code null}; known after {@link #finish}. */
    String messageId() {
        return messageId;
    }

    /** How many Received headers the content brought: the hops it has made before this one. */
    int receivedCount() {
        return receivedCount;
    }

    @Override
    public void write(int b) throws IOException {
        checkOpen();
        accept(b & 0xff);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        checkOpen();
        int i = off;
        int end = off + len;
        while (i < end) {
            if (!inHeaders && !pendingCr) {
                // The body: each run up to the CR of a CRLF goes out in one call, and the LF starts
                // the next run, so no line ending is written a byte at a time. A bare CR stays.
                int j = i;
                while (true) {
                    j = ByteSearch.indexOf(b, j, end, (byte) '\r');
                    if (j < 0) {
                        j = end;
                    } else if (j + 1 < end && b[j + 1] != '\n') {
                        j++;
                        continue;
                    }
                    break;
                }
                if (j > i) {
                    out.write(b, i, j - i);
                    lastBodyByte = b[j - 1];
                }
                i = j;
                if (i < end) {
                    // The CR of a CRLF is dropped; one at the end of the buffer waits for what follows.
                    pendingCr = i + 1 == end;
                    i++;
                }
                continue;
            }
            accept(b[i++] & 0xff);
        }
    }

    private void accept(int c) throws IOException {
        if (pendingCr) {
            pendingCr = false;
            if (c == '\n') {
                character('\n');
                return;
            }
            character('\r');
        }
        if (c == '\r') {
            pendingCr = true;
            return;
        }
        character(c);
    }

    private void character(int c) throws IOException {
        if (!inHeaders) {
            out.write(c);
            lastBodyByte = c;
            return;
        }
        if (c == '\n') {
            endOfLine();
            return;
        }
        if (kind == LineKind.UNDECIDED) {
            classify(c);
            if (!inHeaders) {
                return;
            }
        }
        int used = kind == LineKind.CONTINUATION ? header.size() + 1 : 0;
        if (used + line.size() < headerSizeLimit) {
            line.write(c);
        }
    }

    /**
     * Decides, one character at a time, whether the line is a header ({@code name:}, RFC 5322
     * §2.2, allowing white space before the colon as RFC 822 did), a folded continuation
     * (§2.2.3), or the first line of a body that lacks the empty separator line.
     */
    private void classify(int c) throws IOException {
        boolean blank = c == ' ' || c == '\t';
        if (line.size() == 0 && blank) {
            if (headerOpen) {
                kind = LineKind.CONTINUATION;
            } else {
                startBody(c);
            }
        } else if (c == ':') {
            if (line.size() > 0) {
                kind = LineKind.HEADER;
            } else {
                startBody(c);
            }
        } else if (blank) {
            spaceAfterName = true;
        } else if (c < 33 || c > 126 || spaceAfterName || line.size() >= headerSizeLimit) {
            startBody(c);
        }
    }

    private void endOfLine() throws IOException {
        switch (kind) {
            case HEADER -> {
                flushHeader();
                line.writeTo(header);
                headerOpen = true;
            }
            case CONTINUATION -> {
                if (header.size() + 1 + line.size() <= headerSizeLimit) {
                    header.write('\n');
                    line.writeTo(header);
                } else if (header.size() + 1 < headerSizeLimit) {
                    // Keep what fits of the continuation and drop the excess, as Postfix does.
                    header.write('\n');
                    header.write(line.toByteArray(), 0, headerSizeLimit - header.size());
                }
            }
            case UNDECIDED -> {
                if (line.size() == 0) {
                    endHeaders();
                    out.write('\n');
                    resetLine();
                    return;
                }
                startBody('\n');
                return;
            }
        }
        resetLine();
    }

    /** A line that is no header ends the block; RFC 5322 §3.5 wants an empty line before the body. */
    private void startBody(int c) throws IOException {
        endHeaders();
        out.write('\n');
        line.writeTo(out);
        out.write(c);
        lastBodyByte = c;
        resetLine();
    }

    private void resetLine() {
        line.reset();
        kind = LineKind.UNDECIDED;
        spaceAfterName = false;
    }

    private void flushHeader() throws IOException {
        if (!headerOpen) {
            return;
        }
        byte[] bytes = header.toByteArray();
        int length = bytes.length;
        // A cut inside folding must not leave an empty line, which would end the header block.
        while (length > 0 && (bytes[length - 1] == '\n' || bytes[length - 1] == ' ' || bytes[length - 1] == '\t')) {
            length--;
        }
        inspect(new String(bytes, 0, length, StandardCharsets.UTF_8));
        out.write(bytes, 0, length);
        out.write('\n');
        header.reset();
        headerOpen = false;
    }

    private void inspect(String field) {
        int colon = field.indexOf(':');
        String name = field.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        seen.add(name);
        if (name.equals("received")) {
            receivedCount++;
        }
        if (name.equals("message-id") && messageId == null) {
            messageId = field.substring(colon + 1).replace("\n", "").strip();
        }
    }

    private void endHeaders() throws IOException {
        flushHeader();
        for (String added : missingHeaders.apply(Set.copyOf(seen))) {
            out.write(added.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            if (added.regionMatches(true, 0, "Message-ID:", 0, 11) && messageId == null) {
                messageId = added.substring(11).strip();
            }
        }
        inHeaders = false;
    }

    /** Ends the content: a last line without LF is completed, and a header-only message gets its missing headers. */
    void finish() throws IOException {
        checkOpen();
        if (pendingCr) {
            pendingCr = false;
            character('\r');
        }
        if (inHeaders) {
            if (line.size() > 0 || kind != LineKind.UNDECIDED) {
                endOfLine();
            }
            if (inHeaders) {
                endHeaders();
            }
        } else if (lastBodyByte != '\n') {
            out.write('\n');
        }
        out.flush();
        finished = true;
    }

    @Override
    public void flush() throws IOException {
        if (!finished) {
            out.flush();
        }
    }

    /** Closing the stream does not end the message; {@link CleanupSession#commit()} does. */
    @Override
    public void close() throws IOException {
        flush();
    }

    private void checkOpen() throws IOException {
        if (finished) {
            throw new IOException("message content is already complete");
        }
    }
}
