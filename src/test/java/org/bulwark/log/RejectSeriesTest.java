package org.bulwark.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reject counter's reason label stays bounded: what names a client (its address, the
 * recipient it tried) is not part of the reason, and texts that still vary are folded into one
 * series past {@link LogMetrics#MAX_REJECT_SERIES}.
 */
class RejectSeriesTest {

    private static final String PREFIX = "bulwark_smtpd_rejects_total{";

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Relay access denied | Relay access denied
            Service unavailable; Client host [192.0.2.7] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.7 | Client host blocked using zen.spamhaus.org
            Service unavailable; Client host [192.0.2.8] blocked using bl.spamcop.net | Client host blocked using bl.spamcop.net
            Service unavailable; Client host [192.0.2.9] not checked: DNS lookup in zen.spamhaus.org failed temporarily | Client host not checked: DNS lookup in zen.spamhaus.org failed temporarily
            Client host rejected: cannot find your hostname, [192.0.2.10] | Client host rejected: cannot find your hostname
            Recipient address rejected: User unknown in virtual mailbox table | Recipient address rejected: User unknown in virtual mailbox table
            Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.test.html | Recipient address rejected: Greylisted
            Helo command rejected: need fully-qualified hostname | Helo command rejected: need fully-qualified hostname
            """)
    void aReasonLosesWhatNamesTheClient(String text, String reason) {
        assertThat(RejectReason.classOf(text)).isEqualTo(reason);
    }

    @Test
    void tenThousandDistinctRejectsMakeABoundedNumberOfSeries() {
        LogMetrics metrics = new LogMetrics();
        int rejects = 10_000;
        for (int i = 0; i < rejects; i++) {
            String client = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
            String reply = switch (i % 4) {
                case 0 -> "554 5.7.1 Service unavailable; Client host [" + client + "] blocked using zen.spamhaus.org";
                case 1 -> "450 4.7.1 Client host rejected: cannot find your hostname, [" + client + "]";
                case 2 -> "550 5.1.1 <user" + i + "@example.test>: Recipient address rejected: User unknown";
                // A policy server's own words, different every time and with no brackets to drop.
                default -> "554 5.7.1 <user" + i + "@example.test>: Recipient address rejected: go away " + client;
            };
            metrics.count("postfix/smtpd[1]: NOQUEUE: reject: RCPT from unknown[" + client + "]: " + reply
                    + "; from=<s" + i + "@remote.example> to=<user" + i + "@example.test> proto=ESMTP helo=<h>");
        }

        List<String> series = metrics.exposition(Map::of).lines().filter(l -> l.startsWith(PREFIX)).toList();

        // The three stable reasons, the policy texts up to the cap, and one fold for them.
        assertThat(series).hasSizeLessThanOrEqualTo(LogMetrics.MAX_REJECT_SERIES + 1)
                .contains(PREFIX + "stage=\"RCPT\",code=\"554\",reason=\"Client host blocked using zen.spamhaus.org\"} 2500",
                        PREFIX + "stage=\"RCPT\",code=\"450\",reason=\"Client host rejected: cannot find your hostname\"} 2500",
                        PREFIX + "stage=\"RCPT\",code=\"550\",reason=\"Recipient address rejected: User unknown\"} 2500")
                .anyMatch(l -> l.startsWith(PREFIX + "stage=\"RCPT\",code=\"554\",reason=\"(other reasons)\"} "));
        assertThat(series.stream().mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum())
                .isEqualTo(rejects);
        assertThat(metrics.recent()).hasSizeLessThanOrEqualTo(RecentCounts.MAX_NAMES + 1);
    }
}
