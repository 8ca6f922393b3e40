package org.bulwark.delivery.smtp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A unix-domain socket, as LMTP servers such as Dovecot offer ({@code lmtp:unix:private/dovecot-lmtp}).
 * A socket channel has no read timeout of its own, so a timer closes the channel when a read runs
 * past its limit, and the read then reports a timeout.
 */
final class UnixWire implements Wire {

    /** One timer thread for every unix-domain connection; it only closes channels. */
    private static final class Timer {
        static final ScheduledExecutorService INSTANCE = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("lmtp-read-timeouts").factory());
    }

    private final SocketChannel channel;
    private final InputStream in;
    private final OutputStream out;
    private volatile Duration timeout = Duration.ZERO;
    private volatile boolean timedOut;

    private UnixWire(SocketChannel channel) {
        this.channel = channel;
        InputStream raw = Channels.newInputStream(channel);
        this.in = new BufferedInputStream(new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return timedRead(raw, b, off, len);
            }
        });
        this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
    }

    static UnixWire connect(Path path) throws IOException {
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path));
        return new UnixWire(channel);
    }

    private int timedRead(InputStream raw, byte[] b, int off, int len) throws IOException {
        long ms = timeout.toMillis();
        ScheduledFuture<?> alarm = ms <= 0 ? null : Timer.INSTANCE.schedule(() -> {
            timedOut = true;
            close();
        }, ms, TimeUnit.MILLISECONDS);
        try {
            return raw.read(b, off, len);
        } catch (ClosedChannelException e) {
            if (timedOut) {
                throw new SocketTimeoutException("read timed out");
            }
            throw e;
        } finally {
            if (alarm != null) {
                alarm.cancel(false);
            }
        }
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public void readTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing
        }
    }
}
