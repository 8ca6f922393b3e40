package org.bulwark.milter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.bulwark.testing.ScriptedMilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Option negotiation with a real libmilter milter: what it declines is not sent; older versions work. */
class LibmilterNegotiationTest {

    @TempDir
    Path dir;

    @Test
    void aMilterThatWantsNoHeadersOrBodyIsNotSentThem() throws Exception {
        try (ScriptedMilter milter = ScriptedMilter.start(dir,
                "{\"nocallback\": [\"header\", \"body\", \"eoh\", \"data\"], \"edits\": [[\"addheader\", \"X-Seen\", \"1\"]]}");
                MilterSession session = MilterFixture.milters("unix:" + milter.socket()).open(new MilterFixture().log)) {
            session.connect(MilterFixture.client());
            MessageResult r = MilterFixture.transaction(session, "body\r\n");
            assertThat(r.edits()).containsExactly(new MessageEdit.AddHeader("X-Seen", " 1"));
            assertThat(milter.events()).noneMatch(l -> l.contains("\"stage\": \"header\"")
                    || l.contains("\"stage\": \"body\"") || l.contains("\"stage\": \"eoh\"")
                    || l.contains("\"stage\": \"data\""));
            assertThat(milter.first("eom")).contains("\"i\": \"4ABCDEF123\"");
        }
    }

    @Test
    void aMilterThatSendsNoReplyForHeadersGetsThemAllAnyway() throws Exception {
        try (ScriptedMilter milter = ScriptedMilter.start(dir, "{\"noreply\": [\"header\", \"connect\", \"envrcpt\"]}");
                MilterSession session = MilterFixture.milters("unix:" + milter.socket()).open(new MilterFixture().log)) {
            session.connect(MilterFixture.client());
            MessageResult r = MilterFixture.transaction(session, "body\r\n");
            assertThat(r.reply()).isEqualTo(MilterReply.CONTINUE);
            milter.awaitStage("eom");
            assertThat(milter.events().stream().filter(l -> l.contains("\"stage\": \"header\""))).hasSize(3);
            assertThat(milter.events()).anyMatch(l -> l.contains("\"stage\": \"envrcpt\""));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2", "3", "4", "6 no_header_reply"})
    void olderProtocolVersionsWork(String protocol) throws Exception {
        try (ScriptedMilter milter = ScriptedMilter.start(dir, "{\"edits\": [[\"addheader\", \"X-Version\", \"ok\"]]}");
                MilterSession session = MilterFixture.milters("unix:" + milter.socket(), "milter_protocol", protocol)
                        .open(new MilterFixture().log)) {
            assertThat(session.connect(MilterFixture.client())).isEqualTo(MilterReply.CONTINUE);
            session.helo("client.example.org", null);
            MessageResult r = MilterFixture.transaction(session, "body\r\n");
            assertThat(r.reply()).isEqualTo(MilterReply.CONTINUE);
            assertThat(r.edits()).containsExactly(new MessageEdit.AddHeader("X-Version", " ok"));
            assertThat(session.openConnections()).isEqualTo(1);
            milter.awaitStage("eom");
            assertThat(milter.events()).anyMatch(l -> l.contains("\"stage\": \"body\""));
        }
    }

    @Test
    void rejectedRecipientsGoOnlyToAMilterThatAskedForThem() throws Exception {
        try (ScriptedMilter wants = ScriptedMilter.start(dir.resolve("wants"), "{\"rcpt_rej\": true}");
                ScriptedMilter not = ScriptedMilter.start(dir.resolve("not"), "{}");
                MilterSession session = MilterFixture.milters("unix:" + wants.socket() + ", unix:" + not.socket())
                        .open(new MilterFixture().log)) {
            session.connect(MilterFixture.client());
            session.mail(MilterFacts.Address.of("a@example.org"), List.of(), null);
            session.rejectedRcpt("x@example.net", List.of(), org.bulwark.mail.SmtpReply.of(554, "5.7.1",
                    "<x@example.net>: Relay access denied"));
            session.rcpt(MilterFacts.Address.of("b@example.net"), List.of());
            not.awaitStage("envrcpt");
            wants.awaitStage("envrcpt");
            assertThat(wants.first("envrcpt")).contains("<x@example.net>", "\"{rcpt_mailer}\": \"error\"",
                    "\"{rcpt_host}\": \"5.7.1\"", "\"{rcpt_addr}\": \"Relay access denied\"");
            assertThat(not.events()).noneMatch(l -> l.contains("x@example.net"));
        }
    }

    @Test
    void milterMacroListsFromMainCfAreWhatIsSent() throws Exception {
        try (ScriptedMilter milter = ScriptedMilter.start(dir, "{}");
                MilterSession session = MilterFixture.milters("unix:" + milter.socket(),
                        "milter_connect_macros", "{client_addr} {client_port}", "milter_mail_macros", "{mail_addr}")
                        .open(new MilterFixture().log)) {
            session.connect(MilterFixture.client());
            session.mail(MilterFacts.Address.of("a@example.org"), List.of(), new MilterFacts.Auth("PLAIN", "u", null));
            session.rcpt(MilterFacts.Address.of("b@example.net"), List.of());
            milter.awaitStage("envrcpt");
            assertThat(milter.first("connect")).contains("\"{client_addr}\": \"127.0.0.1\"",
                    "\"{client_port}\": \"40000\"").doesNotContain("\"j\"");
            assertThat(milter.first("envfrom")).contains("\"{mail_addr}\": \"a@example.org\"")
                    .doesNotContain("auth_authen");
        }
    }
}
