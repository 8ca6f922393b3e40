package org.bulwark.qmgr;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(300), Duration.ofSeconds(4000));
    private final Instant arrival = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void waitsAtLeastMinimalBackoffTimeForAYoungMessage() {
        Instant now = arrival.plusSeconds(2);
        assertThat(backoff.nextAttempt(arrival, now)).isEqualTo(now.plusSeconds(300));
    }

    @Test
    void waitsAsLongAsTheMessageHasBeenQueued() {
        Instant now = arrival.plusSeconds(1000);
        assertThat(backoff.nextAttempt(arrival, now)).isEqualTo(now.plusSeconds(1000));
    }

    @Test
    void waitsAtMostMaximalBackoffTimeForAnOldMessage() {
        Instant now = arrival.plus(Duration.ofDays(2));
        assertThat(backoff.nextAttempt(arrival, now)).isEqualTo(now.plusSeconds(4000));
    }
}
