package org.bulwark.milter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.bulwark.testing.ScriptedMilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every stage and the macros Postfix sends with it, against a real libmilter milter. */
class LibmilterStagesTest {

    @TempDir
    Path dir;

    @Test
    void sendsEveryStageWithPostfixsMacros() throws Exception {
        try (ScriptedMilter milter = ScriptedMilter.start(dir, "{}")) {
            MilterFixture f = new MilterFixture();
            Milters milters = MilterFixture.milters("unix:" + milter.socket(),
                    "milter_macro_daemon_name", "mx-in", "mail_name", "Bulwark");
            try (MilterSession session = milters.open(f.log)) {
                assertThat(session.connect(MilterFixture.client())).isEqualTo(MilterReply.CONTINUE);
                assertThat(session.helo("client.example.org",
                        new MilterFacts.Tls("TLSv1.3", "TLS_AES_256_GCM_SHA384", 256, null, null)))
                        .isEqualTo(MilterReply.CONTINUE);
                assertThat(session.mail(new MilterFacts.Address("a@example.org", "example.org", "smtp"),
                        List.of("SIZE=100", "BODY=8BITMIME"), new MilterFacts.Auth("PLAIN", "alice", null)))
                        .isEqualTo(MilterReply.CONTINUE);
                assertThat(session.rcpt(new MilterFacts.Address("b@example.net", "example.net", "smtp"),
                        List.of("NOTIFY=NEVER"))).isEqualTo(MilterReply.CONTINUE);
                assertThat(session.data("4ABCDEF123")).isEqualTo(MilterReply.CONTINUE);
                MessageResult result = session.message(MilterFixture.message("line one\r\nline two\r\n"));
                assertThat(result.reply()).isEqualTo(MilterReply.CONTINUE);
                assertThat(result.edits()).isEmpty();
                session.abort();
                assertThat(session.unknown("XYZZY now")).isEqualTo(MilterReply.CONTINUE);
            }
            milter.awaitStage("close");
            assertThat(milter.first("connect")).contains("\"client.example.org\"", "127.0.0.1", "40000",
                    "\"j\": \"mx.example.test\"", "\"{daemon_name}\": \"mx-in\"", "\"{daemon_addr}\": \"127.0.0.1\"",
                    "\"_\": \"client.example.org [127.0.0.1]\"", "\"v\": \"Bulwark");
            assertThat(milter.first("hello")).contains("\"args\": [\"client.example.org\"]",
                    "\"{tls_version}\": \"TLSv1.3\"", "\"{cipher}\": \"TLS_AES_256_GCM_SHA384\"",
                    "\"{cipher_bits}\": \"256\"");
            assertThat(milter.first("envfrom")).contains("\"<a@example.org>\", \"SIZE=100\", \"BODY=8BITMIME\"",
                    "\"{auth_type}\": \"PLAIN\"", "\"{auth_authen}\": \"alice\"", "\"{mail_addr}\": \"a@example.org\"",
                    "\"{mail_host}\": \"example.org\"", "\"{mail_mailer}\": \"smtp\"").doesNotContain("\"i\":");
            assertThat(milter.first("envrcpt")).contains("\"<b@example.net>\", \"NOTIFY=NEVER\"",
                    "\"{rcpt_addr}\": \"b@example.net\"", "\"{rcpt_host}\": \"example.net\"");
            assertThat(milter.first("data")).contains("\"i\": \"4ABCDEF123\"");
            assertThat(milter.first("header")).contains("\"args\": [\"From\", \"a@example.org\"]");
            assertThat(milter.events()).anyMatch(l -> l.contains("\"Subject\", \"hello\\n\\tfolded\""));
            assertThat(milter.first("eoh")).contains("\"i\": \"4ABCDEF123\"");
            assertThat(milter.first("body")).contains("line one\\r\\nline two\\r\\n");
            assertThat(milter.first("eom")).contains("\"i\": \"4ABCDEF123\"");
            assertThat(milter.first("unknown")).contains("XYZZY now");
            assertThat(f.log()).isEmpty();
        }
    }
}
