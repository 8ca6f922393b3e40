package org.bulwark.postscreen;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * What the client sends, read through a buffer that exists only once the client has said
 * something: a client still waiting for its greeting costs no buffer at all. What postscreen read
 * but did not use goes to smtpd with the connection ({@link #unread}).
 */
final class ClientInput {

    private static final int BUFFER = 1024;

    private final InputStream in;
    private byte[] buffer;
    private int position;
    private int limit;

    ClientInput(InputStream in) {
        this.in = in;
    }

    /** Reads what has come (waiting for at least one byte); -1 at end of input. Keeps it for later. */
    int fill() throws IOException {
        if (buffer == null) {
            buffer = new byte[BUFFER];
        }
        if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
        }
        if (limit == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        int read = in.read(buffer, limit, buffer.length - limit);
        if (read > 0) {
            limit += read;
        }
        return read;
    }

    /** The bytes read and not yet used. */
    byte[] unread() {
        return buffer == null ? new byte[0] : Arrays.copyOfRange(buffer, position, limit);
    }

    int available() {
        return limit - position;
    }

    /** A line as the engine reads it, without its line ending. */
    record Line(String text, boolean bareNewline, boolean tooLong) {
    }

    /**
     * The next line, reading more as needed; null at end of input. A line longer than
     * {@code maxLength} is returned cut, marked too long.
     */
    Line readLine(int maxLength) throws IOException {
        int scanned = 0;
        while (true) {
            for (int i = position + scanned; i < limit; i++) {
                if (buffer[i] == '\n') {
                    boolean cr = i > position && buffer[i - 1] == '\r';
                    String text = new String(buffer, position, i - position - (cr ? 1 : 0),
                            java.nio.charset.StandardCharsets.ISO_8859_1);
                    position = i + 1;
                    return new Line(text, !cr, false);
                }
            }
            scanned = limit - position;
            if (scanned > maxLength) {
                String text = new String(buffer, position, maxLength, java.nio.charset.StandardCharsets.ISO_8859_1);
                position = limit;
                return new Line(text, false, true);
            }
            if (fill() < 0) {
                return null;
            }
        }
    }
}
