package org.bulwark.queue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * The buffer a queue file is written through. Unlike a BufferedOutputStream it can say whether the
 * whole file is still in it: a small message's file then goes to disk in one write, and the bytes
 * written are at hand for the queue manager (see {@link MailQueue#readActive}), which need not read them back.
 */
final class FileBuffer extends OutputStream {

    private final FileChannel channel;
    private final byte[] buffer;
    private int count;
    /** Whether any byte has gone to the file: then the buffer no longer holds the whole file. */
    private boolean spilled;

    FileBuffer(FileChannel channel, int size) {
        this.channel = channel;
        this.buffer = new byte[size];
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buffer.length) {
            flush();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len > buffer.length - count) {
            flush();
            if (len >= buffer.length) {
                writeFully(ByteBuffer.wrap(b, off, len));
                return;
            }
        }
        System.arraycopy(b, off, buffer, count, len);
        count += len;
    }

    @Override
    public void flush() throws IOException {
        if (count > 0) {
            writeFully(ByteBuffer.wrap(buffer, 0, count));
            count = 0;
        }
    }

    /** The whole file as written so far, when no byte of it has reached the disk yet; else null. */
    byte[] wholeFile() {
        return spilled ? null : Arrays.copyOf(buffer, count);
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        spilled = true;
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }
}
