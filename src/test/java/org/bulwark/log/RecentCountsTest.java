package org.bulwark.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RecentCountsTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T12:00:00Z"));
    private final InstantSource clock = now::get;

    private void advance(long seconds) {
        now.set(now.get().plusSeconds(seconds));
    }

    @Test
    void eventsLeaveTheMinuteAfterSixtySecondsAndTheHourAfterSixtyMinutes() {
        RecentCounts counts = new RecentCounts(clock);
        counts.record("received");
        counts.record("received");
        advance(59);
        assertThat(counts.windows().get("received")).isEqualTo(new RecentCounts.Window(2, 2, 2));

        advance(1);
        counts.record("received");
        assertThat(counts.windows().get("received")).isEqualTo(new RecentCounts.Window(1, 3, 3));

        advance(3540); // the first two are now exactly an hour old
        assertThat(counts.windows().get("received")).isEqualTo(new RecentCounts.Window(0, 1, 3));

        advance(60);
        assertThat(counts.windows().get("received")).isEqualTo(new RecentCounts.Window(0, 0, 3));
    }

    @Test
    void aBucketReusedAnHourLaterCountsOnlyItsNewSecond() {
        RecentCounts counts = new RecentCounts(clock);
        counts.record("connections");
        advance(3600);
        counts.record("connections");

        assertThat(counts.windows().get("connections")).isEqualTo(new RecentCounts.Window(1, 1, 2));
    }

    @Test
    void theHourIsCountedToTheMinute() {
        RecentCounts counts = new RecentCounts(clock);
        advance(59); // 12:00:59
        counts.record("received");
        advance(3541); // 13:00:00: 59 minutes 1 second later, but in the minute an hour on

        assertThat(counts.windows().get("received")).isEqualTo(new RecentCounts.Window(0, 0, 1));
    }

    @Test
    void namesBeyondTheLimitAreCountedUnderTheOverflowName() {
        RecentCounts counts = new RecentCounts(clock);
        for (int i = 0; i < RecentCounts.MAX_NAMES + 5; i++) {
            counts.record("reject reason " + i, "reject (other reasons)");
        }
        counts.record("reject reason 0", "reject (other reasons)");

        assertThat(counts.windows()).hasSize(RecentCounts.MAX_NAMES + 1)
                .containsEntry("reject (other reasons)", new RecentCounts.Window(5, 5, 5))
                .containsEntry("reject reason 0", new RecentCounts.Window(2, 2, 2));
    }

    @Test
    void logLinesAreCountedByKindAndRejectReason() {
        LogMetrics metrics = new LogMetrics(clock);
        metrics.count("postfix/smtpd[1]: connect from outsider.example[127.0.0.2]");
        metrics.count("postfix/smtpd[1]: NOQUEUE: reject: RCPT from outsider.example[127.0.0.2]: 554 5.7.1 "
                + "<victim@elsewhere.example>: Relay access denied; from=<spam@outsider.example> "
                + "to=<victim@elsewhere.example> proto=ESMTP helo=<outsider.example.net>");
        metrics.count("postfix/cleanup[1]: 5F1E3A9C20B: message-id=<1@example.test>");
        advance(120);
        metrics.count("postfix/virtual[1]: 5F1E3A9C20B: to=<alice@example.test>, relay=virtual, delay=0.1, "
                + "delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to maildir)");

        assertThat(metrics.recent()).containsEntry(LogMetrics.CONNECTIONS, new RecentCounts.Window(0, 1, 1))
                .containsEntry(LogMetrics.RECEIVED_MESSAGES, new RecentCounts.Window(0, 1, 1))
                .containsEntry(LogMetrics.DELIVERIES + "sent", new RecentCounts.Window(1, 1, 1))
                .containsEntry(LogMetrics.REJECTS + "RCPT 554 Relay access denied", new RecentCounts.Window(0, 1, 1));
    }
}
