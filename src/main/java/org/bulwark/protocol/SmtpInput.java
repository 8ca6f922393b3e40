package org.bulwark.protocol;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.Flushable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.bulwark.util.ByteSearch;

/**
 * The client's byte stream with our own buffer, so that the server can tell whether the client has
 * already sent more than it has read (RFC 2920 §3.2: replies may wait while more commands are
 * queued, and reject_unauth_pipelining needs to know). Before every read that could block, the
 * given {@link Flushable} runs: that is where pending replies go out, once per pipelined group.
 */
public final class SmtpInput {

    private final InputStream in;
    private final Flushable beforeBlockingRead;
    /** Commands are short: an idle session holds only this much (10,000 of them stay small). */
    private static final int COMMAND_BUFFER = 2 * 1024;
    /** Message content is read in large pieces: fewer reads, and whole lines mostly within one. */
    private static final int CONTENT_BUFFER = 16 * 1024;

    private byte[] buffer = new byte[COMMAND_BUFFER];
    private boolean content;
    private int position;
    private int limit;
    /** Whether a read that returns less than it asked for has taken all the source had (a plain socket). */
    private final boolean shortReadDrains;
    /** Whether the current readLine (or other read) has read from the source, and that read was short. */
    private boolean freshShortRead;

    public SmtpInput(InputStream in, Flushable beforeBlockingRead) {
        this(in, beforeBlockingRead, false);
    }

    /**
     * @param shortReadDrains true when {@code in} is a plain socket's stream: a read that returns
     *                        fewer bytes than asked for took everything the kernel had received
     */
    public SmtpInput(InputStream in, Flushable beforeBlockingRead, boolean shortReadDrains) {
        this.in = in;
        this.beforeBlockingRead = beforeBlockingRead;
        this.shortReadDrains = shortReadDrains;
    }

    /**
     * Whether input is waiting that has not been consumed yet. When the line just read came from
     * a read of the socket that returned less than it asked for, the kernel had nothing more a
     * moment ago, and the socket is not asked again (an ioctl per command of every client); what
     * arrived in the microseconds since would have been a race for Postfix's peek as well.
     */
    public boolean hasBufferedInput() {
        if (position < limit) {
            return true;
        }
        if (freshShortRead) {
            return false;
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
        // Replies go out before every read that finds our buffer empty. Asking the socket first
        // whether more has arrived would save a write for a pipelined group split across reads,
        // at the price of a system call before every command of every client.
        beforeBlockingRead.flush();
        // Only an empty buffer is swapped, so no byte is ever moved between the two.
        int size = content ? CONTENT_BUFFER : COMMAND_BUFFER;
        if (buffer.length != size) {
            buffer = new byte[size];
        }
        int n = in.read(buffer);
        if (n <= 0) {
            return false;
        }
        freshShortRead = shortReadDrains && n < buffer.length;
        position = 0;
        limit = n;
        return true;
    }

    /**
     * Reads one command line of at most {@code maxLength} bytes; a longer line is read to its end
     * and reported as too long. Returns {@code null} when the client closed the connection.
     */
    public InputLine readLine(int maxLength) throws IOException {
        content = false;
        freshShortRead = false;
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
        content = true;
        freshShortRead = false;
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
            if (out.size() >= max) {
                if (buffer[stop - 1] != '\r') {
                    return new Segment(out.toByteArray(), LineEnding.NONE);
                }
                // Never split a CR from the LF that may follow it: the pair is one line end. The
                // CR goes back to start the next piece (waiting for the next octet here instead
                // read nothing more once the piece was full, and spun for ever).
                position--;
                byte[] bytes = out.toByteArray();
                return new Segment(java.util.Arrays.copyOf(bytes, bytes.length - 1), LineEnding.NONE);
            }
        }
    }

    /**
     * As {@link #readSegment}, but without copying when the whole line is already buffered (the
     * usual case): the piece then points into this reader's buffer and is valid only until the
     * next read. {@code piece} is reused, so content costs no allocation per line.
     */
    public Piece readPiece(int max, Piece piece) throws IOException {
        content = true;
        freshShortRead = false;
        if (!fill()) {
            throw new EOFException("connection closed in message content");
        }
        int i = ByteSearch.indexOf(buffer, position, Math.min(limit, position + max), (byte) '\n');
        if (i >= 0) {
            boolean crlf = i > position && buffer[i - 1] == '\r';
            int length = i - position - (crlf ? 1 : 0);
            piece.set(buffer, position, length, crlf ? LineEnding.CRLF : LineEnding.BARE_LF, crlf);
            position = i + 1;
            return piece;
        }
        Segment segment = readSegment(max);
        piece.set(segment.bytes(), 0, segment.bytes().length, segment.ending(), false);
        return piece;
    }

    /** A piece of message content read in place; see {@link #readPiece}. */
    public static final class Piece {
        private byte[] array;
        private int offset;
        private int length;
        private LineEnding ending;
        private boolean crlfFollows;

        void set(byte[] array, int offset, int length, LineEnding ending, boolean crlfFollows) {
            this.array = array;
            this.offset = offset;
            this.length = length;
            this.ending = ending;
            this.crlfFollows = crlfFollows;
        }

        public byte[] array() {
            return array;
        }

        public int offset() {
            return offset;
        }

        /** Octets before the line end. */
        public int length() {
            return length;
        }

        public LineEnding ending() {
            return ending;
        }

        /** Whether the CRLF that ended the line follows {@link #length()} in {@link #array()}. */
        public boolean crlfFollows() {
            return crlfFollows;
        }

        public boolean isDot() {
            return length == 1 && array[offset] == '.';
        }
    }

    /** Copies exactly {@code count} octets to {@code sink} (RFC 3030 §2: BDAT has no other framing). */
    public void readExactly(long count, ChunkSink sink) throws IOException {
        content = true;
        freshShortRead = false;
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
