package org.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;
import org.bulwark.mail.Recipient;
import org.bulwark.pickup.MaildropFile;
import org.bulwark.queue.MailQueue;
import org.bulwark.queue.QueueFileWriter;
import org.bulwark.queue.QueueName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bulwark mailq} over a real queue directory, with no server running. */
class MailqCommandTest {

    @TempDir
    Path dir;

    private Path conf;
    private MailQueue queue;

    @BeforeEach
    void setUp() throws IOException {
        conf = Files.createDirectories(dir.resolve("conf"));
        Path queueDirectory = dir.resolve("queue");
        Files.writeString(conf.resolve("main.cf"), "queue_directory = " + queueDirectory + "\n");
        queue = MailQueue.open(queueDirectory);
    }

    private String mailq() {
        StringWriter out = new StringWriter();
        var cl = Bulwark.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute("mailq", "-c", conf.toString())).isZero();
        return out.toString();
    }

    private QueueId enqueue(String sender, String... recipients) throws IOException {
        List<Recipient> list = java.util.Arrays.stream(recipients).map(r -> Recipient.of(MailAddress.of(r))).toList();
        try (QueueFileWriter w = queue.create(Envelope.of(MailAddress.of(sender), list, ClientInfo.local("alice")))) {
            w.content().write("Subject: x\n\nbody\n".getBytes(StandardCharsets.UTF_8));
            w.commit();
            return w.id();
        }
    }

    @Test
    void saysTheQueueIsEmpty() {
        assertThat(mailq()).isEqualTo("Mail queue is empty\n");
    }

    @Test
    void failsWithOneLineWhenTheQueueDirectoryIsMissing() throws IOException {
        Files.writeString(conf.resolve("main.cf"), "queue_directory = " + dir.resolve("missing") + "\n");
        StringWriter err = new StringWriter();
        var cl = Bulwark.commandLine();
        cl.setErr(new PrintWriter(err, true));
        java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        System.setErr(new java.io.PrintStream(stderr, true, StandardCharsets.UTF_8));
        int status;
        try {
            status = cl.execute("mailq", "-c", conf.toString());
        } finally {
            System.setErr(original);
        }

        assertThat(status).isNotZero();
        assertThat(stderr.toString(StandardCharsets.UTF_8) + err).contains("bulwark: fatal: ")
                .contains("no such queue directory").doesNotContain("Exception");
        assertThat(dir.resolve("missing")).doesNotExist();
    }

    @Test
    void listsAnActiveMessageWithItsPendingRecipientsOnly() throws IOException {
        QueueId id = enqueue("alice@example.test", "bob@example.test", "carol@example.test");
        queue.markDone(queue.read(QueueName.ACTIVE, id), 0);

        String listing = mailq();

        assertThat(listing).startsWith("-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------\n")
                .containsPattern(id + "\\*\\s+\\d+ \\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d  alice@example.test\n"
                        + " {41}carol@example.test\n")
                .doesNotContain("bob@example.test")
                .endsWith(" Kbytes in 1 Request.\n");
    }

    @Test
    void showsADeferredMessageWithItsReason() throws IOException {
        QueueId id = enqueue("", "bob@example.test");
        queue.defer(queue.read(QueueName.ACTIVE, id), Instant.now().plusSeconds(300), "mailbox busy");

        String listing = mailq();

        assertThat(listing).containsPattern(id + " +\\d+ .{19}  MAILER-DAEMON\n")
                .contains(" ".repeat(76 - "mailbox busy".length()) + "(mailbox busy)\n" + " ".repeat(41) + "bob@example.test\n");
    }

    @Test
    void marksHeldMessagesAndListsMaildropFiles() throws IOException {
        QueueId held = enqueue("alice@example.test", "bob@example.test");
        queue.move(held, QueueName.ACTIVE, QueueName.HOLD);
        try (OutputStream out = Files.newOutputStream(queue.maildrop().resolve("00000000ABCDEF"))) {
            new MaildropFile(1000, "dave", "dave@example.test", null, false, List.of("erin@example.test")).writeTo(out);
            out.write("\nbody\n".getBytes(StandardCharsets.UTF_8));
        }

        String listing = mailq();

        assertThat(listing).contains(held + "!").contains("00000000ABCDEF ").contains("dave@example.test\n")
                .contains(" ".repeat(41) + "erin@example.test\n").endsWith(" Kbytes in 2 Requests.\n");
        assertThat(listing.indexOf("00000000ABCDEF")).isLessThan(listing.indexOf(held.value()));
    }
}
