package org.bulwark.pickup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bulwark.cleanup.Cleanup;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;
import org.bulwark.queue.MailQueue;
import org.bulwark.queue.QueueName;
import org.bulwark.queue.QueuedMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pickup from a real maildrop directory through real cleanup into a real queue. */
class PickupTest {

    @TempDir
    Path dir;

    private MailQueue queue;
    private Pickup pickup;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws IOException {
        MailLog log = MailLog.to(new PrintStream(logBytes, true, StandardCharsets.UTF_8), "mail.example.test", "postfix");
        Config config = Config.of(Map.of("myhostname", "mail.example.test", "myorigin", "example.test"));
        queue = MailQueue.open(dir.resolve("queue"));
        pickup = new Pickup(config, queue, new Cleanup(config, queue, log), log);
    }

    private Path drop(String name, MaildropFile envelope, String content) throws IOException {
        Path file = queue.maildrop().resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            envelope.writeTo(out);
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    private QueuedMessage onlyActiveMessage() throws IOException {
        List<QueueId> ids = queue.list(QueueName.ACTIVE);
        assertThat(ids).hasSize(1);
        return queue.read(QueueName.ACTIVE, ids.get(0));
    }

    private static String content(QueuedMessage m) throws IOException {
        try (var in = m.openContent()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void queuesAMaildropFileRemovesItAndLogsItsOwnerAsUid() throws IOException {
        Path file = drop("00000000AAAA01",
                new MaildropFile(4242, "alice", "alice@example.test", null, false, List.of("bob@example.test")),
                "Subject: hello\n\nbody\n");

        long owner = ((Number) Files.getAttribute(file, "unix:uid")).longValue();

        assertThat(pickup.pickUpAll()).isEqualTo(1);

        QueuedMessage m = onlyActiveMessage();
        assertThat(m.envelope().sender()).isEqualTo(MailAddress.of("alice@example.test"));
        assertThat(m.recipients()).extracting(r -> r.recipient().address().internal()).containsExactly("bob@example.test");
        assertThat(m.envelope().client().isLocalSubmission()).isTrue();
        assertThat(content(m)).contains("Subject: hello\n").endsWith("\nbody\n");
        assertThat(file).doesNotExist();
        assertThat(logBytes.toString(StandardCharsets.UTF_8))
                .contains("postfix/pickup[").contains(m.id() + ": uid=" + owner + " from=<alice@example.test>");
    }

    @Test
    void qualifiesBareAddressesWithMyorigin() throws IOException {
        drop("00000000AAAA02", new MaildropFile(1000, "alice", "alice", null, false, List.of("bob")), "\nbody\n");

        pickup.pickUpAll();

        QueuedMessage m = onlyActiveMessage();
        assertThat(m.envelope().sender().internal()).isEqualTo("alice@example.test");
        assertThat(m.recipients().get(0).recipient().address().internal()).isEqualTo("bob@example.test");
    }

    /** As Postfix's sendmail reads its arguments: an @ inside a quoted local part is not the domain's. */
    @Test
    void aQuotedLocalPartWithAnAtStaysOneLocalPart() throws IOException {
        drop("00000000AAAA05", new MaildropFile(1000, "alice", "\"a@b\"", null, false,
                List.of("\"c@d\"", "\"e@f\"@example.org")), "\nbody\n");

        pickup.pickUpAll();

        QueuedMessage m = onlyActiveMessage();
        assertThat(m.envelope().sender()).isEqualTo(new MailAddress("a@b", "example.test"));
        assertThat(m.recipients()).extracting(r -> r.recipient().address())
                .containsExactly(new MailAddress("c@d", "example.test"), new MailAddress("e@f", "example.org"));
    }

    /** With append_at_myorigin = no the address stays unqualified, and reads back from the queue as such. */
    @Test
    void withoutAppendAtMyoriginAQuotedLocalPartWithAnAtStaysUnqualified() throws IOException {
        MailLog log = MailLog.to(new PrintStream(logBytes, true, StandardCharsets.UTF_8), "mail.example.test", "postfix");
        Config config = Config.of(Map.of("myhostname", "mail.example.test", "myorigin", "example.test",
                "append_at_myorigin", "no"));
        pickup = new Pickup(config, queue, new Cleanup(config, queue, log), log);
        drop("00000000AAAA06", new MaildropFile(1000, "alice", "\"a@b\"", null, false, List.of("\"c@d\"")),
                "\nbody\n");

        pickup.pickUpAll();

        QueuedMessage m = onlyActiveMessage();
        assertThat(m.envelope().sender()).isEqualTo(new MailAddress("a@b", null));
        assertThat(m.recipients()).extracting(r -> r.recipient().address())
                .containsExactly(new MailAddress("c@d", null));
    }

    @Test
    void takesRecipientsFromHeadersAndRemovesBccWhenAskedTo() throws IOException {
        drop("00000000AAAA03", new MaildropFile(1000, "alice", "alice@example.test", null, true, List.of()),
                "To: Bob <bob@example.test>\nCc: carol@example.test\nBcc: dave@example.test\nSubject: s\n\nbody\n");

        pickup.pickUpAll();

        QueuedMessage m = onlyActiveMessage();
        assertThat(m.recipients()).extracting(r -> r.recipient().address().internal())
                .containsExactly("bob@example.test", "carol@example.test", "dave@example.test");
        assertThat(content(m)).doesNotContainIgnoringCase("bcc:").doesNotContain("dave@example.test")
                .contains("To: Bob <bob@example.test>\n");
    }

    @Test
    void addsAFromHeaderWithTheFullNameWhenTheMessageHasNone() throws IOException {
        drop("00000000AAAA04", new MaildropFile(1000, "alice", "alice@example.test", "Alice Example", false,
                List.of("bob@example.test")), "Subject: s\n\nbody\n");

        pickup.pickUpAll();

        assertThat(content(onlyActiveMessage())).contains("From: Alice Example <alice@example.test>\n");
    }

    @Test
    void movesAMalformedFileToCorrupt() throws IOException {
        Path file = queue.maildrop().resolve("00000000AAAA05");
        Files.writeString(file, "this is not a maildrop file\n");

        assertThat(pickup.pickUpAll()).isZero();

        assertThat(file).doesNotExist();
        assertThat(queue.directory().resolve("corrupt").resolve("00000000AAAA05")).exists();
        assertThat(queue.list(QueueName.ACTIVE)).isEmpty();
        assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("warning: maildrop/00000000AAAA05");
    }

    @Test
    void picksUpFilesByItselfOnceStarted() throws Exception {
        Path file = drop("00000000AAAA06",
                new MaildropFile(1000, "alice", "alice@example.test", null, false, List.of("bob@example.test")),
                "Subject: hello\n\nbody\n");
        pickup.start();
        try {
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
            while (queue.list(QueueName.ACTIVE).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            pickup.stop();
        }

        assertThat(queue.list(QueueName.ACTIVE)).hasSize(1);
        assertThat(file).doesNotExist();
    }

    @Test
    void leavesTemporaryFilesOfTheSendmailCommandAlone() throws IOException {
        Path temporary = queue.maildrop().resolve("tmp.123.drop");
        Files.writeString(temporary, "half written");

        assertThat(pickup.pickUpAll()).isZero();

        assertThat(temporary).exists();
    }

    @Test
    void aMessageHeaderChecksRefuseIsKeptInCorruptNotRetried() throws IOException {
        Path checks = dir.resolve("header_checks");
        Files.writeString(checks, "/^Subject: forbidden/ REJECT not from here\n");
        MailLog log = MailLog.to(new PrintStream(logBytes, true, StandardCharsets.UTF_8), "mail.example.test", "bulwark");
        Config config = Config.of(Map.of("myhostname", "mail.example.test", "myorigin", "example.test",
                "header_checks", "regexp:" + checks));
        Pickup checking = new Pickup(config, queue, new Cleanup(config, queue, log), log);
        Path file = drop("00000000AAAA09", new MaildropFile(1000, "alice", "alice", null, false, List.of("bob")),
                "Subject: forbidden\n\nbody\n");

        assertThat(checking.pickUpAll()).isZero();

        assertThat(file).doesNotExist();
        assertThat(queue.directory().resolve("corrupt").resolve("00000000AAAA09")).exists();
        assertThat(queue.list(QueueName.ACTIVE)).isEmpty();
        assertThat(logBytes.toString(StandardCharsets.UTF_8))
                .contains(": reject: header Subject: forbidden from local; from=<alice@example.test> to=<bob@example.test>:"
                        + " 5.7.1 not from here")
                .contains("maildrop/00000000AAAA09: message refused: 550 5.7.1 not from here; moved to corrupt/");
    }
}
