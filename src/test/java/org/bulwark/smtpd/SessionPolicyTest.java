package org.bulwark.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.bulwark.mail.SmtpReply;
import org.bulwark.restrict.Decision;
import org.bulwark.restrict.Stage;
import org.junit.jupiter.api.Test;

/** How the session carries out what the restrictions decide, and what it does when they fail. */
class SessionPolicyTest {

    private static RestrictionCheck refuseAt(Stage refused, SmtpReply reply) {
        return (stage, context) -> stage == refused ? new Decision.Refuse(reply) : Decision.DUNNO;
    }

    @Test
    void refusedClientHearsTheRefusalAndThenAccessDenied() throws Exception {
        SmtpReply refusal = SmtpReply.of(554, "5.7.1", "<unknown[127.0.0.1]>: Client host rejected: Access denied");
        try (ServerFixture fx = new ServerFixture(Map.of(), refuseAt(Stage.CONNECT, refusal), 10);
                SmtpClient c = fx.client()) {
            assertThat(c.reply()).isEqualTo(refusal.wire().trim());
            assertThat(c.send("HELO client.example")).isEqualTo("503 5.7.0 Error: access denied for unknown[127.0.0.1]");
            assertThat(c.send("QUIT")).isEqualTo("221 2.0.0 Bye");
            assertThat(fx.logAfterSessions()).contains("NOQUEUE: reject: CONNECT from unknown[127.0.0.1]: 554 5.7.1 "
                    + "<unknown[127.0.0.1]>: Client host rejected: Access denied; proto=SMTP");
        }
    }

    @Test
    void refusalAtEndOfDataDiscardsTheMessage() throws Exception {
        SmtpReply refusal = SmtpReply.of(550, "5.7.1", "Message content rejected");
        try (ServerFixture fx = new ServerFixture(Map.of(), refuseAt(Stage.END_OF_DATA, refusal), 10);
                SmtpClient c = fx.client()) {
            c.reply();
            c.send("EHLO client.example");
            c.send("MAIL FROM:<a@example.net>");
            c.send("RCPT TO:<b@example.org>");
            c.send("DATA");
            assertThat(c.send("x\r\n.")).isEqualTo("550 5.7.1 Message content rejected");
            assertThat(fx.intake.committed).isEmpty();
            assertThat(fx.intake.aborted).hasValue(1);
            assertThat(fx.log()).containsPattern("[0-9A-F]+: reject: END-OF-MESSAGE from unknown\\[127.0.0.1\\]: "
                    + "550 5.7.1 Message content rejected; from=<a@example.net> to=<b@example.org> proto=ESMTP "
                    + "helo=<client.example>");
        }
    }

    @Test
    void refusedSenderStartsNoTransaction() throws Exception {
        SmtpReply refusal = SmtpReply.of(553, "5.7.1", "<a@example.net>: Sender address rejected: not owned");
        try (ServerFixture fx = new ServerFixture(Map.of(), refuseAt(Stage.MAIL, refusal), 10);
                SmtpClient c = fx.client()) {
            c.reply();
            c.send("EHLO client.example");
            assertThat(c.send("MAIL FROM:<a@example.net>")).isEqualTo(refusal.wire().trim());
            assertThat(c.send("RCPT TO:<b@example.org>")).isEqualTo("503 5.5.1 Error: need MAIL command");
        }
    }

    @Test
    void unexpectedFailureEndsTheSessionWithoutDetails() throws Exception {
        RestrictionCheck broken = (stage, context) -> {
            if (stage == Stage.RCPT) {
                throw new IllegalStateException("table vanished");
            }
            return Decision.DUNNO;
        };
        try (ServerFixture fx = new ServerFixture(Map.of(), broken, 10); SmtpClient c = fx.client()) {
            c.reply();
            c.send("EHLO client.example");
            c.send("MAIL FROM:<a@example.net>");
            assertThat(c.send("RCPT TO:<b@example.org>")).isEqualTo("421 4.3.0 mx.example.org Error: internal error");
            assertThat(c.closedByServer()).isTrue();
            assertThat(fx.logAfterSessions()).contains("warning: unexpected error in session with unknown[127.0.0.1]");
        }
    }

    @Test
    void namesTheClientByItsVerifiedName() throws Exception {
        Map<String, String> lookup = Map.of("smtpd_peername_lookup", "yes");
        ClientNameLookup names = address -> Optional.of("localhost");
        try (ServerFixture fx = new ServerFixture(lookup, RestrictionCheck.NONE, 10, names); SmtpClient c = fx.client()) {
            c.reply();
            c.send("QUIT");
            assertThat(fx.logAfterSessions()).contains("connect from localhost[127.0.0.1]");
        }
    }
}
