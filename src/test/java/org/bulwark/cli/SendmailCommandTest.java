package org.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bulwark.cleanup.Cleanup;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigLoader;
import org.bulwark.log.MailLog;
import org.bulwark.mail.QueueId;
import org.bulwark.pickup.Pickup;
import org.bulwark.queue.MailQueue;
import org.bulwark.queue.QueueName;
import org.bulwark.queue.QueuedMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bulwark sendmail} through the real command line, then pickup into a real queue. */
class SendmailCommandTest {

    @TempDir
    Path dir;

    private Path conf;
    private Path queueDirectory;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final InputStream originalIn = System.in;

    @BeforeEach
    void writeConfiguration() throws IOException {
        conf = Files.createDirectories(dir.resolve("conf"));
        queueDirectory = dir.resolve("queue");
        Files.writeString(conf.resolve("main.cf"), "queue_directory = " + queueDirectory + "\n"
                + "myhostname = mail.example.test\nmyorigin = example.test\n");
        MailQueue.open(queueDirectory);
    }

    @AfterEach
    void restoreStandardInput() {
        System.setIn(originalIn);
    }

    private int sendmail(String input, String... args) {
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        var cl = Bulwark.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = Stream.concat(Stream.of("sendmail", "-c", conf.toString()), Stream.of(args)).toArray(String[]::new);
        return cl.execute(all);
    }

    private List<Path> maildropFiles() throws IOException {
        try (Stream<Path> files = Files.list(queueDirectory.resolve("maildrop"))) {
            return files.toList();
        }
    }

    /** Runs pickup once over the maildrop and returns the one queued message. */
    private QueuedMessage pickUp() throws IOException {
        Config config = ConfigLoader.load(conf).main();
        MailQueue queue = MailQueue.open(queueDirectory);
        MailLog log = MailLog.to(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                "mail.example.test", "postfix");
        assertThat(new Pickup(config, queue, new Cleanup(config, queue, log), log).pickUpAll()).isEqualTo(1);
        List<QueueId> ids = queue.list(QueueName.ACTIVE);
        assertThat(ids).hasSize(1);
        return queue.read(QueueName.ACTIVE, ids.get(0));
    }

    private static String content(QueuedMessage m) throws IOException {
        try (InputStream in = m.openContent()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void submitsAMessageThatPickupQueues() throws IOException {
        int status = sendmail("Subject: hello\n\nfirst line\n.\nafter the dot\n",
                "-f", "alice@example.test", "bob@example.test");

        assertThat(status).isZero();
        assertThat(maildropFiles()).singleElement()
                .satisfies(f -> assertThat(QueueId.isValid(f.getFileName().toString())).isTrue());
        QueuedMessage m = pickUp();
        assertThat(m.envelope().sender().internal()).isEqualTo("alice@example.test");
        assertThat(m.recipients()).extracting(r -> r.recipient().address().internal()).containsExactly("bob@example.test");
        assertThat(content(m)).contains("first line\n").doesNotContain("after the dot");
        assertThat(maildropFiles()).isEmpty();
    }

    @Test
    void keepsALoneDotWithDashOi() throws IOException {
        assertThat(sendmail("Subject: x\n\nA\n.\nB\n", "-oi", "bob@example.test")).isZero();

        assertThat(content(pickUp())).contains("A\n.\nB\n");
    }

    @Test
    void takesRecipientsFromTheHeadersWithDashT() throws IOException {
        assertThat(sendmail("To: bob@example.test\nBcc: carol@example.test\nSubject: x\n\nbody\n", "-t")).isZero();

        QueuedMessage m = pickUp();
        assertThat(m.recipients()).extracting(r -> r.recipient().address().internal())
                .containsExactly("bob@example.test", "carol@example.test");
        assertThat(content(m)).doesNotContain("carol@example.test");
    }

    @Test
    void usesTheLoginNameAtMyoriginAsDefaultSender() throws IOException {
        assertThat(sendmail("Subject: x\n\nbody\n", "bob@example.test")).isZero();

        assertThat(pickUp().envelope().sender().internal()).endsWith("@example.test").doesNotStartWith("@");
    }

    @Test
    void refusesToRunWithoutRecipients() throws IOException {
        assertThat(sendmail("Subject: x\n\nbody\n")).isEqualTo(SendmailCommand.EX_USAGE);

        assertThat(err.toString()).contains(SendmailCommand.NO_RECIPIENTS);
        assertThat(maildropFiles()).isEmpty();
    }

    @Test
    void refusesAnUnknownOptionWithExUsage() {
        assertThat(sendmail("", "-Z", "bob@example.test")).isEqualTo(SendmailCommand.EX_USAGE);
        assertThat(err.toString()).contains("usage: sendmail");
    }

    @Test
    void failsTemporarilyWhenTheMaildropCannotBeWritten() throws IOException {
        Files.writeString(dir.resolve("plain-file"), "not a directory");
        Files.writeString(conf.resolve("main.cf"), "queue_directory = " + dir.resolve("plain-file/queue") + "\n");

        assertThat(sendmail("Subject: x\n\nbody\n", "bob@example.test")).isEqualTo(SendmailCommand.EX_TEMPFAIL);
        assertThat(err.toString()).startsWith("bulwark: fatal: ").doesNotContain("Exception");
    }

    @Test
    void listsTheQueueWithDashBp() {
        assertThat(sendmail("", "-bp")).isZero();

        assertThat(out.toString()).isEqualTo("Mail queue is empty\n");
    }

    @Test
    void writesNothingVisibleToPickupUntilTheInputIsComplete() throws IOException {
        assertThat(sendmail("Subject: x\n\nbody\n", "bob@example.test")).isZero();

        try (Stream<Path> files = Files.list(queueDirectory.resolve("maildrop"))) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith("tmp."));
        }
    }
}
