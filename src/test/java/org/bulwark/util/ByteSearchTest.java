package org.bulwark.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteSearchTest {

    @Test
    void findsTheFirstMatchAtEveryPositionOfAWord() {
        for (int length = 0; length <= 40; length++) {
            for (int at = 0; at < length; at++) {
                byte[] array = new byte[length];
                java.util.Arrays.fill(array, (byte) 'a');
                array[at] = '\n';
                if (at + 1 < length) {
                    array[length - 1] = '\n'; // a later one must not be reported instead
                }
                assertThat(ByteSearch.indexOf(array, 0, length, (byte) '\n')).as("length %d at %d", length, at).isEqualTo(at);
            }
        }
    }

    @Test
    void staysWithinItsRange() {
        byte[] array = "\n0123456789abcdef\n".getBytes();
        assertThat(ByteSearch.indexOf(array, 1, array.length - 1, (byte) '\n')).isEqualTo(-1);
        assertThat(ByteSearch.indexOf(array, 1, array.length, (byte) '\n')).isEqualTo(array.length - 1);
        assertThat(ByteSearch.indexOf(array, 5, 5, (byte) '5')).isEqualTo(-1);
    }

    /** Bytes with the high bit set and the bytes just around the one sought: the carries of the trick. */
    @Test
    void agreesWithAPlainLoopOnAnyBytes() {
        Random random = new Random(21);
        byte[] values = {'\r', '\n', 0, (byte) 0x80, (byte) 0xff, 1};
        for (int round = 0; round < 20_000; round++) {
            byte[] array = new byte[random.nextInt(48)];
            for (int i = 0; i < array.length; i++) {
                int pick = random.nextInt(6);
                array[i] = pick < 3 ? values[random.nextInt(values.length)] : (byte) random.nextInt(256);
            }
            byte value = values[random.nextInt(values.length)];
            int from = array.length == 0 ? 0 : random.nextInt(array.length);
            int to = from + random.nextInt(array.length - from + 1);
            assertThat(ByteSearch.indexOf(array, from, to, value)).isEqualTo(plain(array, from, to, value));
        }
    }

    private static int plain(byte[] array, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (array[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
