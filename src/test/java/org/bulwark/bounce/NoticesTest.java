package org.bulwark.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.delivery.TestMessage;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.Recipient;
import org.junit.jupiter.api.Test;

class NoticesTest {

    private static final String CONTENT = "From: alice@example.test\nSubject: the original\n\nthe body\n";

    private final Notices notices = new Notices(Config.of(Map.of("myhostname", "mail.example.test",
            "myorigin", "example.test", "delay_warning_time", "4h")));

    private static TestMessage message(String sender, String ret, String envid, Recipient... recipients) {
        return new TestMessage(new Envelope(MailAddress.of(sender), List.of(recipients), Instant.now(),
                ClientInfo.local("alice"), null, ret, envid, false), CONTENT.getBytes(StandardCharsets.UTF_8));
    }

    private static RecipientReport report(Recipient r, String status, String text) {
        return new RecipientReport(r, r.address(), status, "mx.remote.test[192.0.2.1]:25", text);
    }

    private String written(Notice notice) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        notices.write(notice, out, Instant.now());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aFailureReportCarriesThePerRecipientFieldsAndTheWholeMessage() throws Exception {
        Recipient bob = new Recipient(MailAddress.of("bob@remote.test"), "rfc822;bob@remote.test", null);
        TestMessage m = message("alice@example.test", null, "ENV-1", bob);
        Notice notice = notices.prepare(NoticeKind.FAILURE, m, List.of(report(bob, "5.1.1",
                "host mx.remote.test[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command)")),
                Instant.now()).orElseThrow();

        assertThat(notice.envelope().sender().isNullSender()).isTrue();
        assertThat(notice.envelope().recipients()).extracting(r -> r.address().internal()).containsExactly("alice@example.test");
        assertThat(written(notice)).contains("Subject: Undelivered Mail Returned to Sender")
                .contains("Original-Envelope-Id: ENV-1").contains("Original-Recipient: rfc822;bob@remote.test")
                .contains("Remote-MTA: dns; mx.remote.test")
                .contains("Diagnostic-Code: smtp; 550 5.1.1 User unknown")
                .contains("Content-Type: message/rfc822").contains("the body");
    }

    @Test
    void retHdrsReturnsOnlyTheHeaders() throws Exception {
        Recipient bob = Recipient.of(MailAddress.of("bob@remote.test"));
        Notice notice = notices.prepare(NoticeKind.FAILURE, message("alice@example.test", "HDRS", null, bob),
                List.of(report(bob, "5.1.1", "User unknown")), Instant.now()).orElseThrow();
        assertThat(written(notice)).contains("Content-Type: text/rfc822-headers").contains("Subject: the original")
                .doesNotContain("the body").contains("Diagnostic-Code: X-Postfix; User unknown");
    }

    @Test
    void notifyDecidesWhoIsReported() {
        Recipient never = new Recipient(MailAddress.of("a@remote.test"), null, "NEVER");
        Recipient success = new Recipient(MailAddress.of("b@remote.test"), null, "SUCCESS");
        Recipient plain = Recipient.of(MailAddress.of("c@remote.test"));
        TestMessage m = message("alice@example.test", null, null, never, success, plain);
        List<RecipientReport> all = List.of(report(never, "5.0.0", "x"), report(success, "5.0.0", "x"),
                report(plain, "5.0.0", "x"));

        assertThat(notices.prepare(NoticeKind.FAILURE, m, all, Instant.now()).orElseThrow().reports())
                .extracting(r -> r.finalAddress().internal()).containsExactly("c@remote.test");
        assertThat(notices.prepare(NoticeKind.SUCCESS, m, all, Instant.now()).orElseThrow().reports())
                .extracting(r -> r.finalAddress().internal()).containsExactly("b@remote.test");
        assertThat(notices.prepare(NoticeKind.FAILURE, m, List.of(all.get(0)), Instant.now())).isEmpty();
    }

    @Test
    void nothingGoesToTheNullSenderExceptADoubleBounceToThePostmaster() throws Exception {
        Recipient bob = Recipient.of(MailAddress.of("bob@remote.test"));
        TestMessage bounce = message("", null, null, bob);
        assertThat(notices.prepare(NoticeKind.DELAY, bounce, List.of(report(bob, "4.0.0", "x")), Instant.now())).isEmpty();
        Notice doubleBounce = notices.prepare(NoticeKind.FAILURE, bounce, List.of(report(bob, "5.0.0", "x")),
                Instant.now()).orElseThrow();
        assertThat(doubleBounce.postmaster()).isTrue();
        assertThat(doubleBounce.envelope().sender().internal()).isEqualTo("double-bounce@example.test");
        assertThat(doubleBounce.envelope().recipients().get(0).address().internal()).isEqualTo("postmaster@example.test");
        assertThat(written(doubleBounce)).contains("Subject: Postmaster Copy: Undelivered Mail");

        TestMessage fromDoubleBounce = message("double-bounce@example.test", null, null, bob);
        assertThat(notices.prepare(NoticeKind.FAILURE, fromDoubleBounce, List.of(report(bob, "5.0.0", "x")),
                Instant.now())).isEmpty();
    }

    @Test
    void aDelayWarningSaysHowLongAndUntilWhen() throws Exception {
        Recipient bob = Recipient.of(MailAddress.of("bob@remote.test"));
        TestMessage m = message("alice@example.test", null, null, bob);
        Notice notice = notices.prepare(NoticeKind.DELAY, m, List.of(report(bob, "4.4.1", "connect to x: refused")),
                Instant.now()).orElseThrow();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        notices.write(notice, out, m.envelope().arrival().plus(Duration.ofHours(4)));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Subject: Delayed Mail (still being retried)")
                .contains("# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #")
                .contains("Your message could not be delivered for 4.0 hour(s).")
                .contains("It will be retried until it is 5.0 day(s) old.")
                .contains("Action: delayed").contains("Content-Type: text/rfc822-headers");
    }
}
