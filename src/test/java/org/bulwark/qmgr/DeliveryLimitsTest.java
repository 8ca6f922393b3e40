package org.bulwark.qmgr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.bulwark.config.Config;
import org.junit.jupiter.api.Test;

class DeliveryLimitsTest {

    private static DeliveryLimits limits(String... settings) {
        Map<String, String> values = new java.util.HashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        return new DeliveryLimits(Config.of(values));
    }

    @Test
    void aNewDestinationStartsAtTheInitialConcurrencyAndGrowsToTheLimit() {
        DeliveryLimits limits = limits("initial_destination_concurrency", "2", "smtp_destination_concurrency_limit", "4");
        assertThat(limits.windowSize("smtp", "remote.test")).isEqualTo(2);
        for (int i = 0; i < 5; i++) {
            limits.feedback("smtp", "remote.test", true, null);
        }
        assertThat(limits.windowSize("smtp", "remote.test")).isEqualTo(4);
    }

    @Test
    void perWindowFeedbackGrowsByOneWindowAtATime() {
        DeliveryLimits limits = limits("initial_destination_concurrency", "2",
                "default_destination_concurrency_positive_feedback", "1/concurrency");
        limits.feedback("smtp", "remote.test", true, null);
        assertThat(limits.windowSize("smtp", "remote.test")).isEqualTo(2.5);
    }

    @Test
    void failuresShrinkTheWindowThenSuspendTheDestinationOnly() {
        DeliveryLimits limits = limits("initial_destination_concurrency", "2", "minimal_backoff_time", "300s");
        limits.feedback("smtp", "dead.test", false, "connect to dead.test[192.0.2.1]:25: Connection refused");
        assertThat(limits.windowSize("smtp", "dead.test")).isEqualTo(1);
        assertThat(limits.suspended("smtp", "dead.test")).isNull();
        limits.feedback("smtp", "dead.test", false, "connect to dead.test[192.0.2.1]:25: Connection refused");
        assertThat(limits.suspended("smtp", "dead.test")).contains("Connection refused");
        assertThat(limits.suspended("smtp", "alive.test")).isNull();
    }
}
