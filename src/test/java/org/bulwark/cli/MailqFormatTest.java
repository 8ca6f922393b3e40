package org.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class MailqFormatTest {

    private static final Instant ARRIVAL = Instant.parse("2026-11-23T17:41:02Z");

    @Test
    void saysTheQueueIsEmpty() {
        assertThat(MailqFormat.format(List.of(), ZoneOffset.UTC)).isEqualTo("Mail queue is empty\n");
    }

    @Test
    void listsAnActiveMessageInPostfixColumns() {
        var entry = new MailqFormat.Entry("3F2A1B0C9D", '*', 512, ARRIVAL, "alice@example.test", null,
                List.of("bob@example.test"), null);
        assertThat(MailqFormat.format(List.of(entry), ZoneOffset.UTC)).isEqualTo("""
                -Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------
                3F2A1B0C9D*     512 Mon Nov 23 17:41:02  alice@example.test
                                                         bob@example.test

                -- 0 Kbytes in 1 Request.
                """);
    }

    @Test
    void showsTheDeferralReasonRightAlignedBeforeTheRecipients() {
        // showq pads the reason so that its closing parenthesis is in column 78.
        var deferred = new MailqFormat.Entry("ABCDEF0123", ' ', 2048, Instant.parse("2026-11-02T09:05:00Z"), "",
                "connect to mx.example.test[192.0.2.1]:25: Connection refused",
                List.of("x@example.test", "y@example.test"), null);
        var held = new MailqFormat.Entry("ABCDEF0124", '!', 1024, ARRIVAL, "a@example.test", null,
                List.of("z@example.test"), null);
        assertThat(MailqFormat.format(List.of(deferred, held), ZoneOffset.UTC)).isEqualTo("""
                -Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------
                ABCDEF0123     2048 Mon Nov  2 09:05:00  MAILER-DAEMON
                                (connect to mx.example.test[192.0.2.1]:25: Connection refused)
                                                         x@example.test
                                                         y@example.test

                ABCDEF0124!    1024 Mon Nov 23 17:41:02  a@example.test
                                                         z@example.test

                -- 3 Kbytes in 2 Requests.
                """);
    }

    @Test
    void showsAnUnreadableMaildropFileByItsOwner() {
        var drop = new MailqFormat.Entry("0000ABCDEF", ' ', 300, ARRIVAL, "", null, List.of(), 1000L);
        assertThat(MailqFormat.format(List.of(drop), ZoneOffset.UTC)).contains(
                "0000ABCDEF      300 Mon Nov 23 17:41:02  (maildrop queue, sender UID 1000)\n");
    }
}
