package org.bulwark.protocol;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where received message octets go: the queue file's content stream, with the size limit
 * ({@code message_size_limit}, 0 = none) and failure tracking. Past the limit, or after the
 * destination failed, octets are counted and dropped so that the client can still be read to the
 * end of its message and get a proper reply (Postfix does the same).
 */
public final class ContentSink {

    private final OutputStream out;
    private final long sizeLimit;
    private long received;
    private boolean tooBig;
    private IOException failure;

    public ContentSink(OutputStream out, long sizeLimit) {
        this.out = out;
        this.sizeLimit = sizeLimit;
    }

    public void write(byte[] bytes, int offset, int length) {
        received += length;
        if (tooBig || failure != null) {
            return;
        }
        if (sizeLimit > 0 && received > sizeLimit) {
            tooBig = true;
            return;
        }
        try {
            out.write(bytes, offset, length);
        } catch (IOException e) {
            failure = e;
        }
    }

    public void write(byte[] bytes) {
        write(bytes, 0, bytes.length);
    }

    /** Octets received so far, stored or not. */
    public long received() {
        return received;
    }

    public boolean tooBig() {
        return tooBig;
    }

    /** The destination's failure, or {@code null}. */
    public IOException failure() {
        return failure;
    }
}
