package org.bulwark.milter;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one frame (4-byte length, command byte, data) in a buffer reused for every frame of a
 * connection, then hands it to the buffered stream in one write: no allocation per frame.
 */
final class FrameWriter {

    private byte[] buf = new byte[512];
    private int len;

    FrameWriter start(byte command) {
        len = 4;
        return put(command);
    }

    FrameWriter put(byte b) {
        ensure(1);
        buf[len++] = b;
        return this;
    }

    FrameWriter putShort(int v) {
        ensure(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    FrameWriter putInt(int v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    /** A NUL-terminated string (UTF-8: SMTPUTF8 addresses and headers pass through as sent). */
    FrameWriter putString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return putBytes(b, 0, b.length).put((byte) 0);
    }

    FrameWriter putBytes(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    /** Writes the frame to the stream (not flushed: several frames share one flush). */
    void writeTo(OutputStream out) throws IOException {
        int n = len - 4;
        buf[0] = (byte) (n >>> 24);
        buf[1] = (byte) (n >>> 16);
        buf[2] = (byte) (n >>> 8);
        buf[3] = (byte) n;
        out.write(buf, 0, len);
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
