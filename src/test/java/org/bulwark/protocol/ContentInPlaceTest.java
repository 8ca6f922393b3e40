package org.bulwark.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Content lines are read in place from the input buffer when they are whole in it, and copied
 * when a read ends inside them: both paths must store the same octets, however the client's
 * writes happen to be cut.
 */
class ContentInPlaceTest {

    private static final int SEGMENT = 2048;

    @Test
    void storesTheSameContentHoweverTheClientCutsItsWrites() throws IOException {
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            byte[] wire = randomMessage(random);
            for (BareNewline mode : new BareNewline[] {BareNewline.NO, BareNewline.NORMALIZE}) {
                String whole = read(new ByteArrayInputStream(wire), mode);
                String cut = read(new CuttingStream(wire, new Random(seed * 31), 1 + random.nextInt(700)), mode);
                assertThat(cut).as("seed %d, %s", seed, mode).isEqualTo(whole);
            }
        }
    }

    @Test
    void unstuffsEveryLineAcrossBufferBoundaries() throws IOException {
        Random random = new Random(7);
        StringBuilder wire = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        // Over 16 KiB of short lines: some lines straddle the end of a buffer.
        for (int i = 0; i < 3000; i++) {
            String text = (random.nextInt(5) == 0 ? "." : "") + "line " + i + " " + "x".repeat(random.nextInt(40));
            wire.append(text.startsWith(".") ? "." + text : text).append("\r\n");
            expected.append(text).append("\r\n");
        }
        wire.append(".\r\nQUIT\r\n");
        byte[] bytes = wire.toString().getBytes(StandardCharsets.ISO_8859_1);
        assertThat(read(new CuttingStream(bytes, random, 5000), BareNewline.NORMALIZE)).isEqualTo(expected.toString());
    }

    /** A piece that fills up exactly at a CR used to stop reading and spin: a client could hang a session on a CPU. */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aCrThatFillsAPieceStartsTheNextOne() throws IOException {
        String line = "x".repeat(SEGMENT - 1) + "\ry";
        byte[] wire = (line + "\r\n" + "x".repeat(SEGMENT - 1) + "\r\r\n.\r\nQUIT\r\n").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(read(new ByteArrayInputStream(wire), BareNewline.NO))
                .isEqualTo(line + "\r\n" + "x".repeat(SEGMENT - 1) + "\r\r\n");
    }

    private static String read(InputStream in, BareNewline mode) throws IOException {
        SmtpInput input = new SmtpInput(in, () -> { });
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        DataReader.Outcome outcome = new DataReader(mode, SEGMENT).read(input, new ContentSink(stored, 0));
        assertThat(outcome).isEqualTo(DataReader.Outcome.COMPLETE);
        assertThat(input.readLine(100).text()).isEqualTo("QUIT");
        return stored.toString(StandardCharsets.ISO_8859_1);
    }

    /** Lines of every kind: long ones cut into segments, stuffed dots, bare LF and CR, CR at a cut. */
    private static byte[] randomMessage(Random random) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            // At least one octet: a line of a lone dot would end the message early.
            int length = random.nextInt(10) == 0 ? SEGMENT - 2 + random.nextInt(4000) : 1 + random.nextInt(100);
            StringBuilder line = new StringBuilder(random.nextBoolean() ? "." : "");
            for (int j = 0; j < length; j++) {
                int r = random.nextInt(200);
                line.append(r == 0 ? '\r' : (char) ('a' + r % 26));
            }
            b.append(line);
            int ending = random.nextInt(20);
            b.append(ending == 0 ? "\n" : ending == 1 ? "\r\r\n" : "\r\n");
        }
        b.append(".\r\nQUIT\r\n");
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Returns at most a random number of octets per read, as a network delivers them. */
    private static final class CuttingStream extends InputStream {
        private final byte[] data;
        private final Random random;
        private final int most;
        private int position;

        CuttingStream(byte[] data, Random random, int most) {
            this.data = data;
            this.random = random;
            this.most = most;
        }

        @Override
        public int read() {
            return position < data.length ? data[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, data.length - position), 1 + random.nextInt(most));
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public int available() {
            return 0;
        }
    }
}
