package org.bulwark.qmgr;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DelayFormatTest {

    private static String s(long millis) {
        return DelayFormat.seconds(Duration.ofMillis(millis));
    }

    @Test
    void showsSmallDelaysWithTwoSignificantDigits() {
        assertThat(s(123)).isEqualTo("0.12");
        assertThat(s(50)).isEqualTo("0.05");
        assertThat(s(1234)).isEqualTo("1.2");
    }

    @Test
    void dropsTrailingZeros() {
        assertThat(s(100)).isEqualTo("0.1");
        assertThat(s(5000)).isEqualTo("5");
    }

    @Test
    void showsDelaysBelowTheResolutionAsZero() {
        assertThat(s(0)).isEqualTo("0");
        assertThat(s(4)).isEqualTo("0");
    }

    @Test
    void roundsLargeDelaysToWholeSeconds() {
        assertThat(s(36_400)).isEqualTo("36");
        assertThat(s(4_123_600)).isEqualTo("4124");
    }

    @Test
    void joinsTheFourStagesWithSlashes() {
        assertThat(DelayFormat.delays(Duration.ofMillis(50), Duration.ofMillis(10), Duration.ZERO,
                Duration.ofMillis(60))).isEqualTo("0.05/0.01/0/0.06");
    }
}
