package org.bulwark.mailauth;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Hashes a message body as it streams past (RFC 6376 §3.4.3, §3.4.4, §3.7): line ends may be LF
 * or CRLF and are hashed as CRLF; trailing empty lines are held back until a non-empty line proves
 * they are not trailing. Holds at most one line in memory.
 */
final class DkimBodyHash extends OutputStream {

    private final DkimCanonicalization canonicalization;
    private final long limit;
    private final MessageDigest digest;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private long emptyLines;
    private long hashed;
    private boolean anyLine;
    private byte[] result;

    /** @param limit the {@code l=} count of body octets to hash, or -1 for all */
    DkimBodyHash(DkimCanonicalization canonicalization, long limit) {
        this.canonicalization = canonicalization;
        this.limit = limit;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void write(int b) {
        if (b == '\n') {
            endLine();
        } else {
            line.write(b);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) {
        int start = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (b[i] == '\n') {
                line.write(b, start, i - start);
                endLine();
                start = i + 1;
            }
        }
        line.write(b, start, end - start);
    }

    private void endLine() {
        byte[] bytes = line.toByteArray();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        line.reset();
        byte[] canonical = canonicalization == DkimCanonicalization.RELAXED ? relaxed(bytes, length)
                : java.util.Arrays.copyOf(bytes, length);
        if (canonical.length == 0) {
            emptyLines++;
            return;
        }
        for (; emptyLines > 0; emptyLines--) {
            update(new byte[] {'\r', '\n'});
        }
        update(canonical);
        update(new byte[] {'\r', '\n'});
        anyLine = true;
    }

    /** §3.4.4: runs of white space become one space; white space at the end of a line goes. */
    private static byte[] relaxed(byte[] bytes, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length);
        boolean space = false;
        for (int i = 0; i < length; i++) {
            byte c = bytes[i];
            if (c == ' ' || c == '\t') {
                space = true;
                continue;
            }
            if (space) {
                out.write(' ');
                space = false;
            }
            out.write(c);
        }
        return out.toByteArray();
    }

    private void update(byte[] bytes) {
        int n = bytes.length;
        if (limit >= 0) {
            n = (int) Math.max(0, Math.min(n, limit - hashed));
        }
        digest.update(bytes, 0, n);
        hashed += n;
    }

    /** The hash; a last line without line end counts as a line. */
    byte[] digest() {
        if (result == null) {
            if (line.size() > 0) {
                endLine();
            }
            if (!anyLine && canonicalization == DkimCanonicalization.SIMPLE) {
                // §3.4.3: an empty body is one CRLF under simple, nothing under relaxed.
                update(new byte[] {'\r', '\n'});
            }
            result = digest.digest();
        }
        return result.clone();
    }
}
