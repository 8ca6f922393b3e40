package org.bulwark.milter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bulwark.testing.ScriptedMilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every modification a real libmilter milter can ask for at end of message, returned as values. */
class LibmilterEditsTest {

    @TempDir
    Path dir;

    @Test
    void everyEditComesBackInOrder() throws Exception {
        String script = """
                {"edits": [
                  ["addheader", "X-Added", "added value"],
                  ["insheader", 0, "X-Inserted", "at the top"],
                  ["chgheader", "Subject", 1, "changed subject"],
                  ["chgheader", "To", 1, ""],
                  ["addrcpt", "<new@example.net>"],
                  ["addrcpt", "<dsn@example.net>", "NOTIFY=NEVER"],
                  ["delrcpt", "<b@example.net>"],
                  ["chgfrom", "<bounces@example.org>", "RET=HDRS"],
                  ["replacebody", "new body\\r\\n"],
                  ["quarantine", "looks like spam"]
                ]}""";
        try (ScriptedMilter milter = ScriptedMilter.start(dir, script);
                MilterSession session = MilterFixture.milters("unix:" + milter.socket()).open(new MilterFixture().log)) {
            session.connect(MilterFixture.client());
            MessageResult result = MilterFixture.transaction(session, "old body\r\n");
            assertThat(result.reply()).isEqualTo(MilterReply.CONTINUE);
            assertThat(result.edits()).hasSize(10);
            assertThat(result.edits().subList(0, 8)).containsExactly(
                    new MessageEdit.AddHeader("X-Added", " added value"),
                    new MessageEdit.InsertHeader(0, "X-Inserted", " at the top"),
                    new MessageEdit.ChangeHeader("Subject", 1, " changed subject"),
                    new MessageEdit.DeleteHeader("To", 1),
                    new MessageEdit.AddRecipient("<new@example.net>", ""),
                    new MessageEdit.AddRecipient("<dsn@example.net>", "NOTIFY=NEVER"),
                    new MessageEdit.DeleteRecipient("<b@example.net>"),
                    new MessageEdit.ChangeSender("<bounces@example.org>", "RET=HDRS"));
            MessageEdit.ReplaceBody body = (MessageEdit.ReplaceBody) result.edits().get(8);
            try (var in = body.body().open()) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("new body\r\n");
            }
            assertThat(body.body().onDisk()).isFalse();
            assertThat(result.edits().get(9)).isEqualTo(new MessageEdit.Quarantine("looks like spam"));
        }
    }

    @Test
    void aLargeReplacementBodyGoesToATemporaryFileNotTheHeap() throws Exception {
        // 40,000 lines of 25 bytes: a megabyte, sent by libmilter in several SMFIR_REPLBODY chunks.
        String script = "{\"edits\": [[\"replacebody\", \"01234567890123456789012\\r\\n\", 40000]]}";
        Path spill = Files.createDirectories(dir.resolve("spill"));
        try (ScriptedMilter milter = ScriptedMilter.start(dir, script);
                MilterSession session = MilterFixture.milters("unix:" + milter.socket()).spillingTo(spill)
                        .open(new MilterFixture().log)) {
            session.connect(MilterFixture.client());
            MessageResult result = MilterFixture.transaction(session, "old body\r\n");
            MessageEdit.ReplaceBody body = (MessageEdit.ReplaceBody) result.edits().get(0);
            assertThat(body.body().size()).isEqualTo(1_000_000);
            assertThat(body.body().onDisk()).isTrue();
            try (var in = body.body().open()) {
                byte[] all = in.readAllBytes();
                assertThat(all).hasSize(1_000_000);
                assertThat(new String(all, 999_975, 25, StandardCharsets.US_ASCII)).isEqualTo("01234567890123456789012\r\n");
            }
            try (var files = Files.list(spill)) {
                assertThat(files).hasSize(1);
            }
            result.discardEdits();
            try (var files = Files.list(spill)) {
                assertThat(files).isEmpty();
            }
        }
    }

    @Test
    void headerValuesKeepTheirLeadingSpaceWhenTheMilterAsksForIt() throws Exception {
        String script = "{\"leadspc\": true, \"edits\": [[\"addheader\", \"X-Tight\", \"v\"]]}";
        try (ScriptedMilter milter = ScriptedMilter.start(dir, script);
                MilterSession session = MilterFixture.milters("unix:" + milter.socket()).open(new MilterFixture().log)) {
            session.connect(MilterFixture.client());
            MessageResult result = MilterFixture.transaction(session, "body\r\n");
            assertThat(result.edits()).containsExactly(new MessageEdit.AddHeader("X-Tight", "v"));
            assertThat(milter.first("header")).contains("\"args\": [\"From\", \" a@example.org\"]");
        }
    }
}
