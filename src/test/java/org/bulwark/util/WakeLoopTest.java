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
        WakeLoop loop = new WakeLoop("test", () -> NEVER, rounds::add, WakeLoopTest::unexpected).start();
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
        }, WakeLoopTest::unexpected);
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
        WakeLoop loop = new WakeLoop("test", () -> NEVER, rounds::add, WakeLoopTest::unexpected).start();
        assertThat(rounds.poll(10, TimeUnit.SECONDS)).isFalse();

        loop.stop();
        loop.wake();

        assertThat(loop.running()).isFalse();
        assertThat(rounds).isEmpty();
    }

    @Test
    void aRoundThatThrowsIsReportedAndTheLoopGoesOnAfterTheInterval() throws Exception {
        BlockingQueue<Boolean> rounds = new LinkedBlockingQueue<>();
        BlockingQueue<RuntimeException> failures = new LinkedBlockingQueue<>();
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        WakeLoop loop = new WakeLoop("test", () -> Duration.ofMillis(200), woken -> {
            rounds.add(woken);
            if (count.incrementAndGet() == 1) {
                throw new IllegalStateException("first round");
            }
        }, failures::add).start();
        try {
            assertThat(rounds.poll(10, TimeUnit.SECONDS)).isFalse();
            assertThat(failures.poll(10, TimeUnit.SECONDS)).hasMessage("first round");
            loop.wake(); // does not cut the wait after a failure short, but is not lost either

            assertThat(rounds.poll(10, TimeUnit.SECONDS)).as("the round after the wait").isTrue();
            assertThat(loop.running()).isTrue();
            assertThat(failures).isEmpty();
        } finally {
            loop.stop();
        }
    }

    private static void unexpected(RuntimeException e) {
        throw new AssertionError("a round threw", e);
    }
}
