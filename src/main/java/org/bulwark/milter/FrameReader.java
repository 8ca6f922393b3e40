package org.bulwark.milter;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads one reply frame at a time into a buffer reused across frames, refusing a length over
 * {@link MilterProtocol#MAX_FRAME} before reading any of it, and parses its fields.
 */
final class FrameReader {

    private final DataInputStream in;
    private byte[] buf = new byte[256];
    private int len;
    private int pos;
    private byte command;

    FrameReader(InputStream in) {
        this.in = new DataInputStream(in);
    }

    /** Reads the next frame; {@code event} names the command it answers, for the error text. */
    byte next(byte event) throws IOException {
        int n;
        try {
            n = in.readInt();
        } catch (EOFException e) {
            throw new MilterException(MilterTexts.cantReadHeader(event, "end of file"));
        } catch (IOException e) {
            throw new MilterException(MilterTexts.cantReadHeader(event, MilterTexts.why(e)));
        }
        if (n < 1) {
            throw new MilterException(MilterTexts.badLength(n));
        }
        if (n > MilterProtocol.MAX_FRAME) {
            throw new MilterException(MilterTexts.unreasonableLength(Integer.toUnsignedLong(n)));
        }
        if (n - 1 > buf.length) {
            buf = new byte[Math.max(n - 1, buf.length * 2)];
        }
        try {
            command = in.readByte();
            in.readFully(buf, 0, n - 1);
        } catch (EOFException e) {
            throw new MilterException(MilterTexts.eofInData());
        }
        len = n - 1;
        pos = 0;
        return command;
    }

    byte command() {
        return command;
    }

    int remaining() {
        return len - pos;
    }

    int getInt() throws MilterException {
        if (len - pos < 4) {
            throw new MilterException(MilterTexts.tooShortForLong());
        }
        int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8)
                | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    /** A NUL-terminated string. */
    String getString() throws MilterException {
        for (int i = pos; i < len; i++) {
            if (buf[i] == 0) {
                String s = new String(buf, pos, i - pos, StandardCharsets.UTF_8);
                pos = i + 1;
                return s;
            }
        }
        throw new MilterException(MilterTexts.missingNul());
    }

    /** The rest of the frame as a string, with or without a trailing NUL. */
    String getRestAsString() {
        int end = len;
        while (end > pos && buf[end - 1] == 0) {
            end--;
        }
        String s = new String(buf, pos, end - pos, StandardCharsets.UTF_8);
        pos = len;
        return s;
    }

    /** The raw rest of the frame: the buffer, from {@link #position()} for {@link #remaining()} bytes. */
    byte[] buffer() {
        return buf;
    }

    int position() {
        return pos;
    }

    void skipRest() {
        pos = len;
    }
}
