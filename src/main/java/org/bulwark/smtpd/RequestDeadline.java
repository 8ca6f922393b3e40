package org.bulwark.smtpd;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Postfix's smtpd_per_request_deadline: smtpd_timeout limits a whole request instead of each
 * read, so a client that trickles a byte at a time (slowloris) cannot hold a session open. While
 * message content is read the deadline grows by one second per smtpd_min_data_rate bytes, as in
 * Postfix, so a slow but steady sender still gets its message through.
 */
final class RequestDeadline extends FilterInputStream {

    private final Socket socket;
    private final long timeoutNanos;
    private final long minDataRate;
    private long deadline;
    private boolean content;

    RequestDeadline(InputStream in, Socket socket, Duration timeout, long minDataRate) {
        super(in);
        this.socket = socket;
        this.timeoutNanos = timeout.toNanos();
        this.minDataRate = minDataRate;
        this.deadline = System.nanoTime() + timeoutNanos;
    }

    /** A new command line: a fresh smtpd_timeout. */
    void command() {
        deadline = System.nanoTime() + timeoutNanos;
        content = false;
    }

    /** DATA or BDAT content follows: a fresh smtpd_timeout, extended as bytes arrive. */
    void content() {
        deadline = System.nanoTime() + timeoutNanos;
        content = true;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("request deadline");
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000)));
        int n = super.read(buffer, offset, length);
        if (content && n > 0 && minDataRate > 0) {
            deadline += n * 1_000_000_000L / minDataRate;
        }
        return n;
    }
}
