package org.bulwark.milter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.bulwark.mail.SmtpReply;
import org.bulwark.testing.ScriptedMilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every reply a real libmilter milter can give, and what each means for the session. */
class LibmilterRepliesTest {

    @TempDir
    Path dir;

    private MilterSession open(ScriptedMilter milter, MilterFixture f) {
        return MilterFixture.milters("unix:" + milter.socket()).open(f.log);
    }

    @Test
    void rejectAtConnectHoldsForTheWholeSession() throws Exception {
        try (ScriptedMilter milter = ScriptedMilter.start(dir, "{\"connect\": \"reject\"}");
                MilterSession session = open(milter, new MilterFixture())) {
            MilterReply r = session.connect(MilterFixture.client());
            assertThat(r).isEqualTo(new MilterReply.Reject(SmtpReply.of(550, "5.7.1", "Command rejected")));
            assertThat(session.helo("x", null)).isEqualTo(r);
            assertThat(session.mail(MilterFacts.Address.of("a@example.org"), List.of(), null)).isEqualTo(r);
        }
    }

    @Test
    void tempfailAtHeloIsPostfixs451AndHolds() throws Exception {
        try (ScriptedMilter milter = ScriptedMilter.start(dir, "{\"hello\": \"tempfail\"}");
                MilterSession session = open(milter, new MilterFixture())) {
            session.connect(MilterFixture.client());
            MilterReply r = session.helo("x", null);
            assertThat(r).isEqualTo(new MilterReply.TempFail(
                    SmtpReply.of(451, "4.7.1", "Service unavailable - try again later")));
            assertThat(session.mail(MilterFacts.Address.of("a@example.org"), List.of(), null)).isEqualTo(r);
        }
    }

    @Test
    void rejectAtRcptRefusesThatRecipientOnly() throws Exception {
        try (ScriptedMilter milter = ScriptedMilter.start(dir,
                "{\"envrcpt\": {\"<bad@example.net>\": \"reject\"}}");
                MilterSession session = open(milter, new MilterFixture())) {
            session.connect(MilterFixture.client());
            session.helo("x", null);
            session.mail(MilterFacts.Address.of("a@example.org"), List.of(), null);
            assertThat(session.rcpt(MilterFacts.Address.of("bad@example.net"), List.of()))
                    .isInstanceOf(MilterReply.Reject.class);
            assertThat(session.rcpt(MilterFacts.Address.of("good@example.net"), List.of()))
                    .isEqualTo(MilterReply.CONTINUE);
            assertThat(session.data("4ABC")).isEqualTo(MilterReply.CONTINUE);
            assertThat(session.message(MilterFixture.message("hi\r\n")).reply()).isEqualTo(MilterReply.CONTINUE);
        }
    }

    @Test
    void customMultiLineReplyKeepsTheMiltersCodeAndLines() throws Exception {
        try (ScriptedMilter milter = ScriptedMilter.start(dir,
                "{\"envfrom\": [\"reply\", \"554\", \"5.7.0\", \"Your sender is blocked\", \"see https://example.test/100%%\"]}");
                MilterSession session = open(milter, new MilterFixture())) {
            session.connect(MilterFixture.client());
            session.helo("x", null);
            MilterReply r = session.mail(MilterFacts.Address.of("a@example.org"), List.of(), null);
            assertThat(r).isEqualTo(new MilterReply.Reject(new SmtpReply(554, "5.7.0",
                    List.of("Your sender is blocked", "see https://example.test/100%"))));
        }
    }

    @Test
    void customTempfailReplyIsATempFail() throws Exception {
        try (ScriptedMilter milter = ScriptedMilter.start(dir,
                "{\"eom\": [\"reply\", \"452\", \"4.3.1\", \"Insufficient system storage\"]}");
                MilterSession session = open(milter, new MilterFixture())) {
            session.connect(MilterFixture.client());
            MessageResult result = MilterFixture.transaction(session, "hi\r\n");
            assertThat(result.reply()).isEqualTo(new MilterReply.TempFail(
                    SmtpReply.of(452, "4.3.1", "Insufficient system storage")));
        }
    }

    @Test
    void discardAtEndOfMessage() throws Exception {
        try (ScriptedMilter milter = ScriptedMilter.start(dir, "{\"eom\": \"discard\"}");
                MilterSession session = open(milter, new MilterFixture())) {
            session.connect(MilterFixture.client());
            assertThat(MilterFixture.transaction(session, "hi\r\n").reply()).isInstanceOf(MilterReply.Discard.class);
        }
    }

    @Test
    void discardAtConnectIsNotAllowedAndLogged() throws Exception {
        MilterFixture f = new MilterFixture();
        try (ScriptedMilter milter = ScriptedMilter.start(dir, "{\"connect\": \"discard\"}");
                MilterSession session = open(milter, f)) {
            assertThat(session.connect(MilterFixture.client())).isEqualTo(MilterReply.CONTINUE);
            assertThat(f.log()).contains("warning: milter unix:" + milter.socket()
                    + ": DISCARD action is not allowed for connect or helo");
        }
    }

    @Test
    void acceptAtMailSkipsTheRestOfThatMessageOnly() throws Exception {
        try (ScriptedMilter milter = ScriptedMilter.start(dir, "{\"envfrom\": {\"<first@example.org>\": \"accept\"}}");
                MilterSession session = open(milter, new MilterFixture())) {
            session.connect(MilterFixture.client());
            assertThat(session.mail(MilterFacts.Address.of("first@example.org"), List.of(), null))
                    .isEqualTo(MilterReply.CONTINUE);
            session.rcpt(MilterFacts.Address.of("b@example.net"), List.of());
            session.abort();
            session.mail(MilterFacts.Address.of("second@example.org"), List.of(), null);
            session.rcpt(MilterFacts.Address.of("c@example.net"), List.of());
            milter.awaitStage("envrcpt");
            assertThat(milter.events()).noneMatch(l -> l.contains("b@example.net"))
                    .anyMatch(l -> l.contains("c@example.net"));
        }
    }

    @Test
    void skipStopsTheBodyChunks() throws Exception {
        try (ScriptedMilter milter = ScriptedMilter.start(dir, "{\"body\": \"skip\"}");
                MilterSession session = open(milter, new MilterFixture())) {
            session.connect(MilterFixture.client());
            // Four chunks of 65535 bytes; the milter skips after the first.
            MessageResult r = MilterFixture.transaction(session, ("x".repeat(998) + "\r\n").repeat(260));
            assertThat(r.reply()).isEqualTo(MilterReply.CONTINUE);
            milter.awaitStage("eom");
            assertThat(milter.events().stream().filter(l -> l.contains("\"stage\": \"body\""))).hasSize(1);
        }
    }

    @Test
    void progressAtEndOfMessageKeepsWaitingForTheDecision() throws Exception {
        try (ScriptedMilter milter = ScriptedMilter.start(dir,
                "{\"edits\": [[\"progress\"], [\"addheader\", \"X-After-Progress\", \"yes\"]], \"eom\": \"continue\"}");
                MilterSession session = open(milter, new MilterFixture())) {
            session.connect(MilterFixture.client());
            MessageResult r = MilterFixture.transaction(session, "hi\r\n");
            assertThat(r.reply()).isEqualTo(MilterReply.CONTINUE);
            assertThat(r.edits()).containsExactly(new MessageEdit.AddHeader("X-After-Progress", " yes"));
        }
    }
}
