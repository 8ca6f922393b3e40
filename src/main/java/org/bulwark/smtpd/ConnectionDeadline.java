package org.bulwark.smtpd;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * smtpd_timeout on one client connection: every read from the client and every write to it must
 * end in time, or the session ends with Postfix's "timeout after" line. The {@link DeadlineWatch}
 * ends what is overdue: a read by shutting the socket's input, so that the session can still tell
 * the client why it ends (the 421 of a timeout), a write by shutting the output.
 *
 * <p>With smtpd_per_request_deadline the time limits a whole command or message instead of each
 * read, so a client that trickles a byte at a time (slowloris) cannot hold a session open; while
 * message content is read the deadline grows by one second per smtpd_min_data_rate bytes, as in
 * Postfix, so a slow but steady sender still gets its message through.
 */
final class ConnectionDeadline implements AutoCloseable {

    private static final int IDLE = 0;
    private static final int READING = 1;
    private static final int WRITING = 2;
    private static final int OVERDUE = 3;
    private static final int KIND = 3;

    private final Socket accepted;
    private final DeadlineWatch watch;
    private final long timeoutNanos;
    private final boolean perRequest;
    private final long minDataRate;
    /** With smtpd_per_request_deadline: when the command or content being read is due. */
    private long requestDue;
    private boolean content;
    private boolean watched;

    /**
     * What the connection is doing, for the watch: a count of reads and writes begun, shifted
     * left twice, with IDLE, READING, WRITING or OVERDUE in the low bits. The count lets the
     * watch end only the read or write whose time it saw run out, not one begun just after it.
     */
    private final AtomicLong state = new AtomicLong();
    private long begun;
    private volatile long due;

    ConnectionDeadline(Socket accepted, SmtpdSettings settings, DeadlineWatch watch) {
        this.accepted = accepted;
        this.watch = watch;
        this.timeoutNanos = settings.timeout().toNanos();
        this.perRequest = settings.perRequestDeadline();
        this.minDataRate = settings.minDataRate();
        this.requestDue = System.nanoTime() + timeoutNanos;
    }

    /** Reads from {@code in} (the accepted socket's or the TLS socket's) within the time limit. */
    InputStream input(InputStream in) {
        startWatching();
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                long now = System.nanoTime();
                long readDue = perRequest ? requestDue : now + timeoutNanos;
                if (readDue - now <= 0) {
                    throw new SocketTimeoutException("request deadline");
                }
                begin(READING, readDue);
                int n;
                try {
                    n = in.read(buffer, offset, length);
                } catch (IOException e) {
                    throw end() ? timeout() : e;
                }
                if (end()) {
                    throw timeout();
                }
                if (perRequest && content && n > 0 && minDataRate > 0) {
                    requestDue += n * 1_000_000_000L / minDataRate;
                }
                return n;
            }
        };
    }

    /** Writes to {@code out} within the time limit, each write as it comes (buffer in front of this). */
    OutputStream output(OutputStream out) {
        startWatching();
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                begin(WRITING, System.nanoTime() + timeoutNanos);
                try {
                    out.write(bytes, offset, length);
                } catch (IOException e) {
                    throw end() ? timeout() : e;
                }
                if (end()) {
                    throw timeout();
                }
            }
        };
    }

    /** A new command line follows: with smtpd_per_request_deadline, a fresh smtpd_timeout. */
    void command() {
        requestDue = System.nanoTime() + timeoutNanos;
        content = false;
    }

    /** DATA or BDAT content follows: a fresh smtpd_timeout, extended as bytes arrive. */
    void content() {
        requestDue = System.nanoTime() + timeoutNanos;
        content = true;
    }

    /** The connection has ended: the watch forgets it. */
    @Override
    public void close() {
        if (watched) {
            watched = false;
            watch.forget(this);
        }
    }

    /** Called by the watch: ends the read or write under way when it is overdue at {@code now}. */
    void endIfOverdue(long now) {
        long s = state.get();
        int kind = (int) (s & KIND);
        if ((kind != READING && kind != WRITING) || now - due < 0 || !state.compareAndSet(s, (s & ~KIND) | OVERDUE)) {
            return;
        }
        try {
            if (kind == READING) {
                accepted.shutdownInput();
            } else {
                accepted.shutdownOutput();
            }
        } catch (IOException e) {
            // Closed meanwhile: the session is ending anyway.
        }
    }

    private void startWatching() {
        if (!watched) {
            watched = true;
            watch.watch(this);
        }
    }

    private void begin(int kind, long when) {
        due = when;
        state.set(++begun << 2 | kind);
    }

    /** Whether the read or write just ended was overdue (and cut short by the watch). */
    private boolean end() {
        return (state.getAndSet(IDLE) & KIND) == OVERDUE;
    }

    private static SocketTimeoutException timeout() {
        return new SocketTimeoutException("smtpd_timeout");
    }
}
