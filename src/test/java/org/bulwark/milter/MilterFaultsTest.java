package org.bulwark.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bulwark.testing.RawMilter.frame;
import static org.bulwark.testing.RawMilter.frames;
import static org.bulwark.testing.RawMilter.string;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bulwark.mail.SmtpReply;
import org.bulwark.testing.FreePorts;
import org.bulwark.testing.RawMilter;
import org.junit.jupiter.api.Test;

/**
 * A milter that cannot be reached or misbehaves: its default action, one warning naming it and
 * what it did, and no connection left open.
 */
class MilterFaultsTest {

    private static final MilterReply TEMPFAIL = new MilterReply.TempFail(
            SmtpReply.of(451, "4.7.1", "Service unavailable - try again later"));
    private static final MilterReply CONF_TEMPFAIL = new MilterReply.TempFail(
            SmtpReply.of(451, "4.3.5", "Server configuration problem - try again later"));

    private static long warnings(MilterFixture f) {
        return f.log().lines().filter(l -> l.contains("warning:")).count();
    }

    private static void awaitClosed(RawMilter milter) throws InterruptedException {
        for (int i = 0; i < 500 && milter.openConnections() > 0; i++) {
            Thread.sleep(10);
        }
        assertThat(milter.openConnections()).as("milter connections left open").isZero();
    }

    @Test
    void anUnreachableMilterGetsTheDefaultActionAndOneWarning() {
        MilterFixture f = new MilterFixture();
        String endpoint = "inet:127.0.0.1:" + FreePorts.next();
        try (MilterSession session = MilterFixture.milters(endpoint).open(f.log)) {
            assertThat(session.connect(MilterFixture.client())).isEqualTo(CONF_TEMPFAIL);
            assertThat(session.helo("x", null)).isEqualTo(CONF_TEMPFAIL);
            assertThat(session.mail(MilterFacts.Address.of("a@example.org"), List.of(), null)).isEqualTo(CONF_TEMPFAIL);
        }
        assertThat(f.log()).contains("postfix/smtpd[", "warning: connect to Milter service " + endpoint
                + ": Connection refused");
        assertThat(warnings(f)).isEqualTo(1);
    }

    @Test
    void defaultActionAcceptGoesOnWithoutTheMilter() {
        MilterFixture f = new MilterFixture();
        String endpoint = "inet:127.0.0.1:" + FreePorts.next();
        try (MilterSession session = MilterFixture.milters("{ " + endpoint + ", default_action=accept }").open(f.log)) {
            assertThat(session.connect(MilterFixture.client())).isEqualTo(MilterReply.CONTINUE);
            MessageResult r = MilterFixture.transaction(session, "body\r\n");
            assertThat(r.reply()).isEqualTo(MilterReply.CONTINUE);
            assertThat(r.edits()).isEmpty();
        }
        assertThat(warnings(f)).isEqualTo(1);
    }

    @Test
    void defaultActionQuarantineAcceptsIntoHold() {
        MilterFixture f = new MilterFixture();
        String endpoint = "inet:127.0.0.1:" + FreePorts.next();
        try (MilterSession session = MilterFixture.milters(endpoint, "milter_default_action", "quarantine").open(f.log)) {
            assertThat(session.connect(MilterFixture.client())).isEqualTo(new MilterReply.Quarantine("default_action"));
            assertThat(MilterFixture.transaction(session, "body\r\n").reply())
                    .isEqualTo(new MilterReply.Quarantine("default_action"));
        }
    }

    @Test
    void aPlainTextServerIsRefusedByItsFirstFourBytes() throws Exception {
        // clamd's plain port answers a line of text; its first four bytes read as a length of a gigabyte.
        MilterFixture f = new MilterFixture();
        try (RawMilter clamd = RawMilter.start(c -> new RawMilter.Close(),
                "UNKNOWN COMMAND\n".getBytes(StandardCharsets.US_ASCII))) {
            try (MilterSession session = MilterFixture.milters(clamd.endpoint()).open(f.log)) {
                assertThat(session.connect(MilterFixture.client())).isEqualTo(TEMPFAIL);
                assertThat(session.openConnections()).isZero();
                assertThat(session.rcpt(MilterFacts.Address.of("b@example.net"), List.of())).isEqualTo(TEMPFAIL);
            }
            assertThat(f.log()).contains("warning: milter " + clamd.endpoint()
                    + ": unreasonable packet length: 1431194446 > 1048640");
            assertThat(warnings(f)).isEqualTo(1);
            awaitClosed(clamd);
        }
    }

    @Test
    void aMilterThatNeverAnswersTheNegotiationTimesOut() throws Exception {
        MilterFixture f = new MilterFixture();
        try (RawMilter milter = RawMilter.start(c -> RawMilter.CONTINUE, new byte[0])) {
            try (MilterSession session = MilterFixture.milters("{ " + milter.endpoint() + ", command_timeout=1s }")
                    .open(f.log)) {
                assertThat(session.connect(MilterFixture.client())).isEqualTo(TEMPFAIL);
                assertThat(session.openConnections()).isZero();
            }
            assertThat(f.log()).contains("warning: milter " + milter.endpoint()
                    + ": can't read SMFIC_OPTNEG reply packet header: Connection timed out");
            awaitClosed(milter);
        }
    }

    @Test
    void aFrameOverTheLimitMidSessionClosesTheConnection() throws Exception {
        MilterFixture f = new MilterFixture();
        try (RawMilter milter = RawMilter.start(c -> c == 'R'
                ? new RawMilter.Raw(new byte[] {0x10, 0, 0, 0, 'c'}) : RawMilter.CONTINUE)) {
            try (MilterSession session = MilterFixture.milters(milter.endpoint(), "milter_default_action", "reject")
                    .open(f.log)) {
                session.connect(MilterFixture.client());
                session.mail(MilterFacts.Address.of("a@example.org"), List.of(), null);
                MilterReply r = session.rcpt(MilterFacts.Address.of("b@example.net"), List.of());
                assertThat(r).isEqualTo(new MilterReply.Reject(SmtpReply.of(550, "5.5.0", "Service unavailable")));
                assertThat(session.openConnections()).isZero();
            }
            assertThat(f.log()).contains("warning: milter " + milter.endpoint()
                    + ": unreasonable packet length: 268435456 > 1048640");
            awaitClosed(milter);
        }
    }

    @Test
    void aMilterThatHangsTimesOut() throws Exception {
        MilterFixture f = new MilterFixture();
        try (RawMilter milter = RawMilter.start(c -> c == 'E' ? new RawMilter.Hang() : RawMilter.CONTINUE)) {
            try (MilterSession session = MilterFixture.milters("{ " + milter.endpoint() + ", content_timeout=1s }")
                    .open(f.log)) {
                session.connect(MilterFixture.client());
                assertThat(MilterFixture.transaction(session, "body\r\n").reply()).isEqualTo(TEMPFAIL);
                assertThat(session.openConnections()).isZero();
            }
            assertThat(f.log()).contains("warning: milter " + milter.endpoint()
                    + ": can't read SMFIC_BODYEOB reply packet header: Connection timed out");
            assertThat(warnings(f)).isEqualTo(1);
            awaitClosed(milter);
        }
    }

    @Test
    void aMilterThatClosesMidMessage() throws Exception {
        MilterFixture f = new MilterFixture();
        try (RawMilter milter = RawMilter.start(c -> c == 'L' ? new RawMilter.Close() : RawMilter.CONTINUE)) {
            try (MilterSession session = MilterFixture.milters(milter.endpoint()).open(f.log)) {
                session.connect(MilterFixture.client());
                MessageResult r = MilterFixture.transaction(session, "body\r\n");
                assertThat(r.reply()).isEqualTo(TEMPFAIL);
                assertThat(r.edits()).isEmpty();
                session.abort();
                // The next transaction of the session gets the default action too, without a new warning.
                assertThat(session.mail(MilterFacts.Address.of("a@example.org"), List.of(), null)).isEqualTo(TEMPFAIL);
            }
            assertThat(f.log()).contains("warning: milter " + milter.endpoint()
                    + ": can't read SMFIC_HEADER reply packet header: end of file");
            assertThat(warnings(f)).isEqualTo(1);
            awaitClosed(milter);
        }
    }

    @Test
    void garbageAfterAReplyIsAProtocolError() throws Exception {
        MilterFixture f = new MilterFixture();
        try (RawMilter milter = RawMilter.start(c -> c == 'H'
                ? frames(frame('c', string("trailing"))) : RawMilter.CONTINUE)) {
            try (MilterSession session = MilterFixture.milters(milter.endpoint()).open(f.log)) {
                session.connect(MilterFixture.client());
                assertThat(session.helo("x", null)).isEqualTo(TEMPFAIL);
            }
            assertThat(f.log()).contains("warning: milter " + milter.endpoint()
                    + ": reply SMFIR_CONTINUE was followed by 9 data bytes");
        }
    }

    @Test
    void anEditOutsideEndOfMessageIsAProtocolError() throws Exception {
        MilterFixture f = new MilterFixture();
        try (RawMilter milter = RawMilter.start(c -> c == 'R'
                ? frames(frame('h', string("X-A"), string("b"))) : RawMilter.CONTINUE)) {
            try (MilterSession session = MilterFixture.milters(milter.endpoint()).open(f.log)) {
                session.connect(MilterFixture.client());
                session.mail(MilterFacts.Address.of("a@example.org"), List.of(), null);
                assertThat(session.rcpt(MilterFacts.Address.of("b@example.net"), List.of())).isEqualTo(TEMPFAIL);
            }
            assertThat(f.log()).contains("warning: milter " + milter.endpoint()
                    + ": unexpected filter response SMFIR_ADDHEADER after event SMFIC_RCPT");
        }
    }

    @Test
    void aMalformedCustomReplyIsAConfigurationError() throws Exception {
        MilterFixture f = new MilterFixture();
        try (RawMilter milter = RawMilter.start(c -> c == 'M'
                ? frames(frame('y', string("250 2.0.0 fine"))) : RawMilter.CONTINUE)) {
            try (MilterSession session = MilterFixture.milters(milter.endpoint()).open(f.log)) {
                session.connect(MilterFixture.client());
                assertThat(session.mail(MilterFacts.Address.of("a@example.org"), List.of(), null))
                        .isEqualTo(CONF_TEMPFAIL);
            }
            assertThat(f.log()).contains("warning: milter " + milter.endpoint() + ": malformed reply: 250 2.0.0 fine");
        }
    }

    @Test
    void aMilterOfANewerVersionIsRefused() throws Exception {
        MilterFixture f = new MilterFixture();
        try (RawMilter milter = RawMilter.start(c -> RawMilter.CONTINUE, RawMilter.optneg(7, 0x1ff, 0))) {
            try (MilterSession session = MilterFixture.milters(milter.endpoint()).open(f.log)) {
                assertThat(session.connect(MilterFixture.client())).isEqualTo(TEMPFAIL);
            }
            assertThat(f.log()).contains("warning: milter " + milter.endpoint()
                    + ": protocol version 7 conflict with MTA protocol version 6");
            awaitClosed(milter);
        }
    }

    @Test
    void aMilterAskingForUnknownActionsIsRefused() throws Exception {
        MilterFixture f = new MilterFixture();
        try (RawMilter milter = RawMilter.start(c -> RawMilter.CONTINUE, RawMilter.optneg(6, 0x400, 0))) {
            try (MilterSession session = MilterFixture.milters(milter.endpoint()).open(f.log)) {
                assertThat(session.connect(MilterFixture.client())).isEqualTo(TEMPFAIL);
            }
            assertThat(f.log()).contains("warning: milter " + milter.endpoint()
                    + ": request mask 0x400 conflict with MTA request mask 0x1ff");
        }
    }

    @Test
    void progressAndShutdown() throws Exception {
        MilterFixture f = new MilterFixture();
        try (RawMilter milter = RawMilter.start(c -> c == 'M'
                ? frames(frame('p'), frame('p'), frame('4')) : RawMilter.CONTINUE)) {
            try (MilterSession session = MilterFixture.milters(milter.endpoint()).open(f.log)) {
                session.connect(MilterFixture.client());
                MilterReply r = session.mail(MilterFacts.Address.of("a@example.org"), List.of(), null);
                assertThat(r).isEqualTo(new MilterReply.Shutdown(SmtpReply.of(421, "4.7.0",
                        "Service unavailable - closing connection")));
                assertThat(session.rcpt(MilterFacts.Address.of("b@example.net"), List.of())).isEqualTo(r);
            }
            assertThat(f.log()).isEmpty();
        }
    }

    @Test
    void theFirstRefusalEndsTheStageForTheMiltersAfterIt() throws Exception {
        try (RawMilter first = RawMilter.start(c -> c == 'R' ? frames(frame('r')) : RawMilter.CONTINUE);
                RawMilter second = RawMilter.start(c -> RawMilter.CONTINUE)) {
            MilterFixture f = new MilterFixture();
            try (MilterSession session = MilterFixture.milters(first.endpoint() + ", " + second.endpoint()).open(f.log)) {
                session.connect(MilterFixture.client());
                session.mail(MilterFacts.Address.of("a@example.org"), List.of(), null);
                assertThat(session.rcpt(MilterFacts.Address.of("b@example.net"), List.of()))
                        .isInstanceOf(MilterReply.Reject.class);
                assertThat(second.commands()).containsExactly("O", "C", "M");
                assertThat(session.data("4ABC")).isEqualTo(MilterReply.CONTINUE);
                assertThat(second.commands()).containsExactly("O", "C", "M", "T");
            }
            awaitClosed(first);
            awaitClosed(second);
        }
    }

    @Test
    void oneConnectionPerMilterPerSessionWhateverTheNumberOfMessages() throws Exception {
        try (RawMilter milter = RawMilter.start(c -> RawMilter.CONTINUE)) {
            MilterFixture f = new MilterFixture();
            // Connections kept between sessions would end this one with QUIT_NC: see MilterConnectionReuseTest.
            try (MilterSession session = MilterFixture.milters(milter.endpoint(),
                    "milter_connection_cache_time_limit", "0").open(f.log)) {
                session.connect(MilterFixture.client());
                for (int i = 0; i < 5; i++) {
                    assertThat(MilterFixture.transaction(session, "body\r\n").reply()).isEqualTo(MilterReply.CONTINUE);
                    session.abort();
                }
            }
            awaitClosed(milter);
            assertThat(milter.acceptedConnections()).isEqualTo(1);
            assertThat(milter.commands()).endsWith("A", "Q");
        }
    }
}
