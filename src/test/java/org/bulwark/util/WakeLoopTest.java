package org.bulwark.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WakeLoopTest {

    /** Long enough that no round in these tests comes from the interval. */
    private static final Duration NEVER = Duration.ofHours(1);

    @Test
    void runsAtOnceThenWhenWoken() throws Exception {
        BlockingQueue<Boolean> rounds = new LinkedBlockingQueue<>();
        WakeLoop loop = new WakeLoop("test", () -> NEVER, rounds::add).start();
        try {
            assertThat(rounds.poll(10, TimeUnit.SECONDS)).isFalse();
            loop.wake();
            assertThat(rounds.poll(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            loop.stop();
        }
    }

    @Test
    void aWakeDuringARoundIsNotLost() throws Exception {
        BlockingQueue<Boolean> rounds = new LinkedBlockingQueue<>();
        WakeLoop[] self = new WakeLoop[1];
        WakeLoop loop = new WakeLoop("test", () -> NEVER, woken -> {
            if (!woken) {
                self[0].wake(); // arrives while this round runs
            }
            rounds.add(woken);
        });
        self[0] = loop;
        loop.start();
        try {
            assertThat(rounds.poll(10, TimeUnit.SECONDS)).isFalse();
            assertThat(rounds.poll(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            loop.stop();
        }
    }

    @Test
    void stopEndsTheLoopAfterTheRoundUnderWay() throws Exception {
        BlockingQueue<Boolean> rounds = new LinkedBlockingQueue<>();
        WakeLoop loop = new WakeLoop("test", () -> NEVER, rounds::add).start();
        assertThat(rounds.poll(10, TimeUnit.SECONDS)).isFalse();

        loop.stop();
        loop.wake();

        assertThat(loop.running()).isFalse();
        assertThat(rounds).isEmpty();
    }
}
