package org.bulwark.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SmtpInputTest {

    private static SmtpInput input(String wire, AtomicInteger flushes) {
        return new SmtpInput(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)), flushes::incrementAndGet);
    }

    /** A socket's stream as the session sees it: each read returns one chunk; available() is counted. */
    private static final class Chunks extends java.io.InputStream {
        private final java.util.ArrayDeque<byte[]> chunks = new java.util.ArrayDeque<>();
        private final int pendingInKernel;
        int availableCalls;

        Chunks(int pendingInKernel, String... chunks) {
            this.pendingInKernel = pendingInKernel;
            for (String c : chunks) {
                this.chunks.add(c.getBytes(StandardCharsets.US_ASCII));
            }
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            byte[] next = chunks.poll();
            if (next == null) {
                return -1;
            }
            int n = Math.min(len, next.length);
            System.arraycopy(next, 0, b, off, n);
            if (n < next.length) {
                chunks.push(java.util.Arrays.copyOfRange(next, n, next.length));
            }
            return n;
        }

        @Override
        public int available() {
            availableCalls++;
            return pendingInKernel;
        }
    }

    @Test
    void aCommandFromAShortReadOfASocketNeedsNoQuestionToTheSocket() throws IOException {
        Chunks socket = new Chunks(7, "HELO a\r\n", "MAIL FROM:<a@b>\r\n");
        SmtpInput in = new SmtpInput(socket, () -> { }, true);

        in.readLine(100);
        assertThat(in.hasBufferedInput()).isFalse();
        in.readLine(100);
        assertThat(in.hasBufferedInput()).isFalse();
        assertThat(socket.availableCalls).isZero();
    }

    @Test
    void theSocketIsAskedAfterAFullReadOrALineTakenFromTheBuffer() throws IOException {
        Chunks socket = new Chunks(7, "HELO a\r\nNOOP\r\n", "x".repeat(2048 - 2) + "\r\n");
        SmtpInput in = new SmtpInput(socket, () -> { }, true);

        in.readLine(100);
        assertThat(in.hasBufferedInput()).as("NOOP is buffered").isTrue();
        in.readLine(100);
        assertThat(in.hasBufferedInput()).as("NOOP came from the buffer, after HELO's work: ask").isTrue();
        assertThat(socket.availableCalls).isEqualTo(1);
        in.readLine(4096);
        assertThat(in.hasBufferedInput()).as("a read that filled the buffer may have left more").isTrue();
        assertThat(socket.availableCalls).isEqualTo(2);
    }

    @Test
    void anyOtherStreamIsAlwaysAsked() throws IOException {
        Chunks stream = new Chunks(7, "HELO a\r\n");
        SmtpInput in = new SmtpInput(stream, () -> { });

        in.readLine(100);
        assertThat(in.hasBufferedInput()).isTrue();
        assertThat(stream.availableCalls).isEqualTo(1);
    }

    @Test
    void tellsCrlfFromBareLf() throws IOException {
        SmtpInput in = input("EHLO a\r\nNOOP\nQUIT\r\n", new AtomicInteger());
        InputLine first = in.readLine(100);
        InputLine second = in.readLine(100);
        assertThat(first.text()).isEqualTo("EHLO a");
        assertThat(first.ending()).isEqualTo(LineEnding.CRLF);
        assertThat(second.text()).isEqualTo("NOOP");
        assertThat(second.ending()).isEqualTo(LineEnding.BARE_LF);
        assertThat(in.readLine(100).text()).isEqualTo("QUIT");
        assertThat(in.readLine(100)).isNull();
    }

    @Test
    void reportsTooLongLinesAndSkipsTheirRest() throws IOException {
        SmtpInput in = input("x".repeat(50) + "\r\nNOOP\r\n", new AtomicInteger());
        InputLine line = in.readLine(20);
        assertThat(line.tooLong()).isTrue();
        assertThat(line.ending()).isEqualTo(LineEnding.CRLF);
        assertThat(in.readLine(20).text()).isEqualTo("NOOP");
    }

    @Test
    void acceptsALineOfExactlyTheLimit() throws IOException {
        InputLine line = input("x".repeat(20) + "\r\n", new AtomicInteger()).readLine(20);
        assertThat(line.tooLong()).isFalse();
        assertThat(line.text()).hasSize(20);
    }

    @Test
    void knowsWhenPipelinedInputIsWaiting() throws IOException {
        SmtpInput in = input("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n", new AtomicInteger());
        in.readLine(100);
        assertThat(in.hasBufferedInput()).isTrue();
        assertThat(in.peekBuffered(100)).isEqualTo("RCPT TO:<c@d>\\r\\n");
        in.readLine(100);
        assertThat(in.hasBufferedInput()).isFalse();
    }

    /** Replies wait while a pipelined group is in the buffer, and go out before the next read. */
    @Test
    void flushesRepliesBeforeEachReadThatFindsTheBufferEmpty() throws IOException {
        AtomicInteger flushes = new AtomicInteger();
        SmtpInput in = input("A\r\nB\r\n", flushes);
        in.readLine(10);
        assertThat(flushes).hasValue(1);
        in.readLine(10);
        assertThat(flushes).as("B came with A: its reply waits with A's").hasValue(1);
        assertThat(in.readLine(10)).isNull();
        assertThat(flushes).hasValue(2);
    }

    @Test
    void readsExactlyTheChunkSize() throws IOException {
        SmtpInput in = input("0123456789NOOP\r\n", new AtomicInteger());
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        in.readExactly(10, chunk::write);
        assertThat(chunk.toString(StandardCharsets.US_ASCII)).isEqualTo("0123456789");
        assertThat(in.readLine(100).text()).isEqualTo("NOOP");
    }
}
