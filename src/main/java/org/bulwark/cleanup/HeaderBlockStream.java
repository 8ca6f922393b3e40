package org.bulwark.cleanup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The stages of cleanup that need the whole header block before the body (DKIM and DMARC, the
 * milters): keeps the header lines up to the empty line that ends them (LF line ends, as cleanup
 * stores content) and hands every body byte after it to {@link #body}. The empty line itself is
 * neither; a subclass writes it out with the headers.
 */
abstract class HeaderBlockStream extends OutputStream {

    private final ByteArrayOutputStream headers;
    private boolean lineStart = true;
    private boolean inBody;

    HeaderBlockStream(int expectedHeaderBytes) {
        this.headers = new ByteArrayOutputStream(expectedHeaderBytes);
    }

    @Override
    public final void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public final void write(byte[] b, int off, int len) throws IOException {
        int i = off;
        int end = off + len;
        while (i < end && !inBody) {
            byte c = b[i++];
            if (c == '\n' && lineStart) {
                enterBody();
                break;
            }
            headers.write(c);
            lineStart = c == '\n';
        }
        if (inBody && i < end) {
            body(b, i, end - i);
        }
    }

    /** Ends the header block: at the empty line, or at the end of a message that has no body. */
    final void enterBody() throws IOException {
        inBody = true;
        bodyStarts();
    }

    final boolean inBody() {
        return inBody;
    }

    /** The header block as received so far. */
    final ByteArrayOutputStream headers() {
        return headers;
    }

    /** Called once, when the header block is complete. */
    void bodyStarts() throws IOException {
    }

    /** A piece of the body. */
    abstract void body(byte[] b, int off, int len) throws IOException;
}
