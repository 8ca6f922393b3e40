package org.bulwark.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** Lines of a service with its own syslog_name ({@code -o syslog_name=postfix/submission}) are counted too. */
class LogSummaryServiceNameTest {

    @Test
    void rejectsOfTheSubmissionServiceCount() throws Exception {
        String maillog = """
                Dec  4 15:20:01 mail postfix/submission/smtpd[4242]: NOQUEUE: reject: RCPT from unknown[192.0.2.7]: \
                554 5.7.1 <friend@remote.example>: Recipient address rejected: Access denied; \
                from=<a@example.test> to=<friend@remote.example> proto=ESMTP helo=<laptop>
                Dec  4 15:20:02 mail postfix/smtpd[4242]: NOQUEUE: reject: RCPT from unknown[192.0.2.8]: \
                454 4.7.1 <victim@example.no>: Relay access denied; \
                from=<spammer@test.com> to=<victim@example.no> proto=ESMTP helo=<test.com>
                """;

        LogSummary summary = LogSummary.read(new BufferedReader(new StringReader(maillog)));

        assertThat(summary.rejected()).isEqualTo(2);
    }
}
