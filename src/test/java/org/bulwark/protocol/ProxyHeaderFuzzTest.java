package org.bulwark.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzzes the PROXY protocol header, which anyone who can reach a proxied port controls: framing
 * and parsing must give a result or a {@link ProtocolException}, never read past what they
 * framed, never throw anything else. In the normal build this replays the inputs under
 * ProxyHeaderFuzzTestInputs/; with JAZZER_FUZZ=1 it searches for new ones.
 */
class ProxyHeaderFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void header(byte[] input) {
        byte[] buffer = new byte[ProxyHeader.MAX];
        int length = 0;
        try {
            int missing;
            while ((missing = ProxyHeader.missing(buffer, length)) > 0) {
                assertThat(length + missing).isLessThanOrEqualTo(ProxyHeader.MAX);
                if (length + missing > input.length) {
                    return;
                }
                System.arraycopy(input, length, buffer, length, missing);
                length += missing;
            }
            ProxyHeader header = ProxyHeader.parse(Arrays.copyOf(buffer, length));
            assertThat(header.length()).isEqualTo(length);
        } catch (ProtocolException e) {
            assertThat(e.getMessage()).isNotEmpty();
        }
        try {
            ProxyHeader header = ProxyHeader.parse(input);
            assertThat(header.length()).isBetween(1, input.length);
        } catch (ProtocolException e) {
            assertThat(e.getMessage()).isNotEmpty();
        }
    }
}
