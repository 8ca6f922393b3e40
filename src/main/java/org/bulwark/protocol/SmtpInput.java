package org.bulwark.protocol;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.Flushable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The client's byte stream with our own buffer, so that the server can tell whether the client has
 * already sent more than it has read (RFC 2920 §3.2: replies may wait while more commands are
 * queued, and reject_unauth_pipelining needs to know). Before every read that could block, the
 * given {@link Flushable} runs: that is where pending replies go out, once per pipelined group.
 */
public final class SmtpInput {

    private final InputStream in;
    private final Flushable beforeBlockingRead;
    private final byte[] buffer = new byte[16 * 1024];
    private int position;
    private int limit;

    public SmtpInput(InputStream in, Flushable beforeBlockingRead) {
        this.in = in;
        this.beforeBlockingRead = beforeBlockingRead;
    }

    /** Whether input is waiting that has not been consumed yet. */
    public boolean hasBufferedInput() {
        if (position < limit) {
            return true;
        }
        try {
            return in.available() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether this reader has already taken in bytes it has not handed out: after STARTTLS those
     * were sent in plaintext and must be thrown away with this reader (RFC 3207 §4.2). Bytes
     * still in the socket are not counted: the TLS layer reads them as records and fails.
     */
    public boolean hasReadAhead() {
        return position < limit;
    }

    /** Up to {@code max} bytes that are already buffered, printable, for a log line; not consumed. */
    public String peekBuffered(int max) {
        StringBuilder b = new StringBuilder();
        for (int i = position; i < limit && b.length() < max; i++) {
            int c = buffer[i] & 0xff;
            switch (c) {
                case '\r' -> b.append("\\r");
                case '\n' -> b.append("\\n");
                default -> b.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
            }
        }
        return b.toString();
    }

    private boolean fill() throws IOException {
        if (position < limit) {
            return true;
        }
        if (in.available() <= 0) {
            beforeBlockingRead.flush();
        }
        int n = in.read(buffer);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    /**
     * Reads one command line of at most {@code maxLength} bytes; a longer line is read to its end
     * and reported as too long. Returns {@code null} when the client closed the connection.
     */
    public InputLine readLine(int maxLength) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        // Room for the line, its CR, and one octet more to notice that it is too long.
        int keep = maxLength + 2;
        int previous = -1;
        while (true) {
            if (!fill()) {
                return null;
            }
            int newline = -1;
            for (int i = position; i < limit; i++) {
                if (buffer[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            int end = newline < 0 ? limit : newline;
            int take = Math.min(Math.max(0, keep - line.size()), end - position);
            line.write(buffer, position, take);
            if (end > position) {
                previous = buffer[end - 1];
            }
            if (newline < 0) {
                position = limit;
                continue;
            }
            position = newline + 1;
            byte[] bytes = line.toByteArray();
            LineEnding ending = previous == '\r' ? LineEnding.CRLF : LineEnding.BARE_LF;
            if (bytes.length > 0 && bytes[bytes.length - 1] == '\r' && line.size() <= maxLength + 1) {
                bytes = java.util.Arrays.copyOf(bytes, bytes.length - 1);
            }
            boolean tooLong = bytes.length > maxLength;
            if (tooLong) {
                bytes = java.util.Arrays.copyOf(bytes, maxLength);
            }
            return new InputLine(bytes, ending, tooLong);
        }
    }

    /**
     * Reads a piece of message content: up to and including the next LF, or {@code max} bytes when
     * no LF comes first. The returned segment holds the bytes without the line end.
     */
    public Segment readSegment(int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 1024));
        while (true) {
            if (!fill()) {
                throw new EOFException("connection closed in message content");
            }
            int newline = -1;
            int stop = Math.min(limit, position + (max - out.size()));
            for (int i = position; i < stop; i++) {
                if (buffer[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            if (newline >= 0) {
                out.write(buffer, position, newline - position);
                position = newline + 1;
                byte[] bytes = out.toByteArray();
                if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
                    return new Segment(java.util.Arrays.copyOf(bytes, bytes.length - 1), LineEnding.CRLF);
                }
                return new Segment(bytes, LineEnding.BARE_LF);
            }
            out.write(buffer, position, stop - position);
            position = stop;
            // Never split a CR from the LF that may follow it: the pair is one line end.
            if (out.size() >= max && buffer[stop - 1] != '\r') {
                return new Segment(out.toByteArray(), LineEnding.NONE);
            }
        }
    }

    /** Copies exactly {@code count} octets to {@code sink} (RFC 3030 §2: BDAT has no other framing). */
    public void readExactly(long count, ChunkSink sink) throws IOException {
        long left = count;
        while (left > 0) {
            if (!fill()) {
                throw new EOFException("connection closed in BDAT chunk");
            }
            int n = (int) Math.min(left, limit - position);
            sink.accept(buffer, position, n);
            position += n;
            left -= n;
        }
    }

    /** Receives message octets; it decides itself what to do with a failing destination. */
    @FunctionalInterface
    public interface ChunkSink {
        void accept(byte[] bytes, int offset, int length);
    }

    /** A piece of message content and how it ended. */
    public record Segment(byte[] bytes, LineEnding ending) {

        public boolean isDot() {
            return bytes.length == 1 && bytes[0] == '.';
        }

        @Override
        public String toString() {
            return new String(bytes, StandardCharsets.ISO_8859_1) + "<" + ending + ">";
        }
    }
}
