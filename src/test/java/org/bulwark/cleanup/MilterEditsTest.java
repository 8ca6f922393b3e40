package org.bulwark.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.Recipient;
import org.bulwark.milter.MessageEdit;
import org.junit.jupiter.api.Test;

/** How milter edits land on the header fields and the envelope, counted as Postfix's cleanup counts them. */
class MilterEditsTest {

    private static List<MilterEdits.Field> fields(String... lines) {
        return java.util.Arrays.stream(lines)
                .map(l -> MilterEdits.Field.of(l, (l + "\n").getBytes(StandardCharsets.UTF_8))).toList();
    }

    private static String text(MilterEdits edits) {
        StringBuilder b = new StringBuilder();
        edits.fields().forEach(f -> b.append(new String(f.raw(), StandardCharsets.UTF_8)));
        return b.toString();
    }

    private static Envelope envelope() {
        return Envelope.of(MailAddress.of("a@example.org"),
                List.of(Recipient.of(MailAddress.of("b@example.net")), Recipient.of(MailAddress.of("c@example.net"))),
                new ClientInfo("client.example", "192.0.2.1", "client.example", "ESMTP", null));
    }

    @Test
    void aFieldKeepsItsValueAsAMilterSeesIt() {
        MilterEdits.Field f = MilterEdits.Field.of("Subject: two\n lines", "Subject: two\n lines\n".getBytes());
        assertThat(f.name()).isEqualTo("Subject");
        assertThat(f.value()).isEqualTo(" two\r\n lines");
    }

    @Test
    void headerEditsCountOccurrencesOfTheNameAndPositionsAmongAllHeaders() {
        MilterEdits edits = new MilterEdits(fields("From: a@example.org", "X-Tag: one", "Subject: s", "X-Tag: two"),
                envelope()).apply(List.of(
                new MessageEdit.ChangeHeader("x-tag", 2, " second"),
                new MessageEdit.DeleteHeader("X-Tag", 1),
                new MessageEdit.InsertHeader(0, "X-First", " top"),
                new MessageEdit.AddHeader("X-Last", " bottom\r\n folded"),
                new MessageEdit.ChangeHeader("X-Absent", 1, " added"),
                new MessageEdit.DeleteHeader("X-Absent-Too", 1)));

        assertThat(text(edits)).isEqualTo("X-First: top\nFrom: a@example.org\nSubject: s\nX-Tag: second\n"
                + "X-Last: bottom\n folded\nX-Absent: added\n");
    }

    @Test
    void envelopeEditsChangeRecipientsAndSender() {
        MilterEdits edits = new MilterEdits(fields("Subject: s"), envelope()).apply(List.of(
                new MessageEdit.DeleteRecipient("<B@example.net>"),
                new MessageEdit.AddRecipient("<d@example.net>", "NOTIFY=NEVER"),
                new MessageEdit.ChangeSender("<bounces@example.org>", "")));

        Envelope changed = edits.changedEnvelope();
        assertThat(changed.sender()).isEqualTo(MailAddress.of("bounces@example.org"));
        assertThat(changed.recipients()).extracting(r -> r.address().internal())
                .containsExactly("c@example.net", "d@example.net");
        assertThat(changed.recipients().get(1).dsnNotify()).isEqualTo("NEVER");
    }

    @Test
    void noEnvelopeEditLeavesTheEnvelopeAlone() {
        MilterEdits edits = new MilterEdits(fields("Subject: s"), envelope()).apply(List.of(
                new MessageEdit.DeleteRecipient("<nobody@example.net>"),
                new MessageEdit.Quarantine("spam")));

        assertThat(edits.changedEnvelope()).isNull();
        assertThat(edits.quarantine()).isEqualTo("spam");
    }
}
