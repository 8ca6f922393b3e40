package org.bulwark.qmgr;

import java.time.Duration;
import java.time.Instant;

/**
 * When a deferred message is tried again. Postfix (qmgr_active.c) waits as long as the message has
 * already been queued, kept between {@code minimal_backoff_time} and {@code maximal_backoff_time}:
 * the wait roughly doubles with every attempt, and the queue's age, not the attempt count, decides
 * it, so messages that arrived together spread out over time.
 */
record Backoff(Duration minimal, Duration maximal) {

    Instant nextAttempt(Instant arrival, Instant now) {
        Duration age = Duration.between(arrival, now);
        Duration wait = age;
        if (wait.compareTo(maximal) > 0) {
            wait = maximal;
        }
        if (wait.compareTo(minimal) < 0) {
            wait = minimal;
        }
        return now.plus(wait);
    }
}
