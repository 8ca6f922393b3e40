package org.bulwark.milter;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A body a milter sent with SMFIR_REPLBODY, in its on-the-wire form (CRLF line ends). The first
 * {@link #MEMORY_LIMIT} bytes stay in memory; a larger body goes to a temporary file, so that a
 * milter replacing a 50 MB body does not put 50 MB in the heap. {@link #close()} deletes the file.
 */
public final class ReplacementBody implements AutoCloseable {

    /** What stays in memory; beyond this the body is written to a file. */
    static final int MEMORY_LIMIT = 256 * 1024;

    private final Path spillDirectory;
    private byte[] memory = new byte[8192];
    private int memoryLength;
    private Path file;
    private OutputStream fileOut;
    private long size;

    ReplacementBody(Path spillDirectory) {
        this.spillDirectory = spillDirectory;
    }

    void append(byte[] b, int off, int n) throws IOException {
        if (file == null && memoryLength + n <= MEMORY_LIMIT) {
            if (memoryLength + n > memory.length) {
                memory = Arrays.copyOf(memory, Math.max(memory.length * 2, memoryLength + n));
            }
            System.arraycopy(b, off, memory, memoryLength, n);
            memoryLength += n;
        } else {
            if (file == null) {
                file = Files.createTempFile(spillDirectory, "milter-body", ".tmp");
                fileOut = new java.io.BufferedOutputStream(Files.newOutputStream(file), 65536);
                fileOut.write(memory, 0, memoryLength);
                memory = null;
            }
            fileOut.write(b, off, n);
        }
        size += n;
    }

    void finish() throws IOException {
        if (fileOut != null) {
            fileOut.close();
            fileOut = null;
        }
    }

    /** The body's length in bytes. */
    public long size() {
        return size;
    }

    /** Whether the body went to a temporary file. */
    public boolean onDisk() {
        return file != null;
    }

    /** The body from its first byte; each call starts again. */
    public InputStream open() throws IOException {
        return file != null ? Files.newInputStream(file) : new ByteArrayInputStream(memory, 0, memoryLength);
    }

    /** Deletes the temporary file, if any. */
    @Override
    public void close() {
        try {
            if (fileOut != null) {
                fileOut.close();
                fileOut = null;
            }
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // A temporary file that cannot be deleted is left for the operating system's cleaner.
        }
    }
}
