package org.bulwark.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the delivery counters and the delay histogram take from a delivery agent's log line. */
class DeliveryCountTest {

    private static String exposition(String... lines) {
        LogMetrics metrics = new LogMetrics();
        for (String line : lines) {
            metrics.count(line);
        }
        return metrics.exposition(Map::of);
    }

    @Test
    void aDeliveryCountsByStatusAndTransportWithItsDelay() {
        String text = exposition(
                "postfix/virtual[7]: 5F1E3A9C20B: to=<alice@example.test>, relay=virtual, delay=0.3, "
                        + "delays=0.1/0/0/0.2, dsn=2.0.0, status=sent (delivered to maildir)",
                "postfix/smtp[8]: 6A2B3C4D5E6: to=<bob@remote.example>, orig_to=<b@example.test>, "
                        + "relay=mx.remote.example[127.0.0.9]:25, delay=42, delays=0/0/1/41, dsn=4.4.1, "
                        + "status=deferred (connect to mx.remote.example[127.0.0.9]:25: Connection refused)");
        assertThat(text)
                .contains("bulwark_deliveries_total{status=\"sent\",transport=\"virtual\"} 1\n")
                .contains("bulwark_deliveries_total{status=\"deferred\",transport=\"smtp\"} 1\n")
                .contains("bulwark_delivery_delay_seconds_bucket{le=\"0.5\"} 1\n")
                .contains("bulwark_delivery_delay_seconds_bucket{le=\"30\"} 1\n")
                .contains("bulwark_delivery_delay_seconds_bucket{le=\"300\"} 2\n")
                .contains("bulwark_delivery_delay_seconds_sum 42.3\n")
                .contains("bulwark_delivery_delay_seconds_count 2\n");
    }

    /** An address may hold ", delay=" or ", status=": only the fields after it count. */
    @Test
    void anAddressThatLooksLikeTheFieldsIsPassedOver() {
        String text = exposition("postfix/virtual[7]: 5F1E3A9C20B: to=<x, delay=9, status=bogus@example.test>, "
                + "relay=virtual, delay=1.5, delays=0/0/0/1.5, dsn=2.0.0, status=bounced (unknown user)");
        assertThat(text)
                .contains("bulwark_deliveries_total{status=\"bounced\",transport=\"virtual\"} 1\n")
                .doesNotContain("bogus")
                .contains("bulwark_delivery_delay_seconds_sum 1.5\n");
    }

    @Test
    void linesWithoutTheFieldsCountNothing() {
        String text = exposition(
                "postfix/virtual[7]: 5F1E3A9C20B: to=<alice@example.test>, status=sent",
                "postfix/virtual[7]: 5F1E3A9C20B: to=<alice@example.test>, delay=1.2.3, status=sent",
                "postfix/virtual[7]: 5F1E3A9C20B: to=<alice@example.test>, delay=1, status= (empty)",
                "postfix/qmgr[3]: not an id: to=<alice@example.test>, delay=1, status=sent");
        assertThat(text).doesNotContain("bulwark_deliveries_total{").contains("bulwark_delivery_delay_seconds_count 0\n");
    }

    @Test
    void transactionsAndReceivedMessagesFollowCleanupsLines() {
        String text = exposition(
                "postfix/smtpd[5]: 5F1E3A9C20B: client=localhost[127.0.0.1]",
                "postfix/cleanup[6]: 5F1E3A9C20B: message-id=<1@example.test>",
                "postfix/smtpd[5]: NOQUEUE: client=localhost[127.0.0.1]",
                "postfix/smtpd[5]: no id here: client=localhost[127.0.0.1]");
        assertThat(text)
                .contains("bulwark_smtpd_transactions_total 2\n")
                .contains("bulwark_messages_received_total 1\n");
    }
}
