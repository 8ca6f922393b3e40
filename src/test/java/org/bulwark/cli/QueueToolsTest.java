package org.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import org.bulwark.queue.MailQueue;
import org.bulwark.queue.QueueFileWriter;
import org.bulwark.queue.QueueName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** postqueue, postsuper and postcat on a queue with active, deferred and held mail, the server down. */
class QueueToolsTest {

    @TempDir
    Path dir;

    private Path conf;
    private MailQueue queue;
    private QueueId active;
    private QueueId deferred;
    private QueueId held;

    @BeforeEach
    void queue() throws IOException {
        conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("main.cf"), "queue_directory = " + dir.resolve("queue") + "\n"
                + "maillog_file = " + dir.resolve("maillog") + "\n");
        queue = MailQueue.open(dir.resolve("queue"));
        active = enqueue("alice@example.test", "bob@remote.test");
        deferred = enqueue("alice@example.test", "carol@other.test");
        queue.defer(queue.read(QueueName.ACTIVE, deferred), Instant.now().plusSeconds(3600),
                "connect to mx.other.test[192.0.2.1]:25: Connection refused");
        held = enqueue("", "dave@remote.test");
        queue.move(held, QueueName.ACTIVE, QueueName.HOLD);
    }

    private QueueId enqueue(String sender, String... recipients) throws IOException {
        List<Recipient> list = java.util.Arrays.stream(recipients).map(r -> Recipient.of(MailAddress.of(r))).toList();
        try (QueueFileWriter w = queue.create(Envelope.of(MailAddress.of(sender), list, ClientInfo.local("alice")))) {
            w.content().write("Subject: queued ü\n\nbody\n".getBytes(StandardCharsets.UTF_8));
            w.commit();
            return w.id();
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Bulwark.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "-c";
        all[args.length + 1] = conf.toString();
        int exit = cl.execute(all);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void postqueuePrintsTheMailqListingWithQueueMarks() {
        Run r = run("postqueue", "-p");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains(active.value() + "*").contains(held.value() + "!")
                .contains("(connect to mx.other.test[192.0.2.1]:25: Connection refused)")
                .contains("MAILER-DAEMON").endsWith("-- 0 Kbytes in 3 Requests.\n");
    }

    @Test
    void postqueueJsonListsOneObjectPerMessage() throws Exception {
        Run r = run("postqueue", "-j");
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).startsWith("{\"queue_name\": \"deferred\", \"queue_id\": \"" + deferred.value() + "\"")
                .contains("\"recipients\": [{\"address\": \"carol@other.test\", \"delay_reason\": "
                        + "\"connect to mx.other.test[192.0.2.1]:25: Connection refused\"}]");
        // Python's json module reads every line.
        Path file = Files.writeString(dir.resolve("q.json"), r.out());
        var p = new ProcessBuilder("/usr/bin/python3", "-c",
                "import json,sys\nfor l in open(sys.argv[1]): print(json.loads(l)['queue_name'])", file.toString())
                .redirectErrorStream(true).start();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList())
                .containsExactly("active", "deferred", "hold");
    }

    @Test
    void postqueueFlushMovesDeferredMailToActive() {
        assertThat(run("postqueue", "-f").exit()).isZero();
        assertThat(Files.exists(queue.path(QueueName.ACTIVE, deferred))).isTrue();
        assertThat(Files.exists(queue.path(QueueName.HOLD, held))).isTrue();
    }

    @Test
    void postqueueSiteFlushesOnlyThatDomain() {
        run("postqueue", "-s", "remote.test");
        assertThat(Files.exists(queue.path(QueueName.DEFERRED, deferred))).isTrue();
        run("postqueue", "-s", "other.test");
        assertThat(Files.exists(queue.path(QueueName.ACTIVE, deferred))).isTrue();
    }

    @Test
    void postqueueIdFlushesOneMessageAndComplainsAboutAnUnknownOne() {
        assertThat(run("postqueue", "-i", deferred.value()).exit()).isZero();
        assertThat(Files.exists(queue.path(QueueName.ACTIVE, deferred))).isTrue();
        Run r = run("postqueue", "-i", "ABCDEF012345");
        assertThat(r.exit()).isEqualTo(69);
        assertThat(r.err()).contains("postqueue: warning: ABCDEF012345: no such message");
    }

    @Test
    void postsuperHoldsAndReleases() throws Exception {
        Run h = run("postsuper", "-h", "ALL");
        assertThat(h.err()).contains("postsuper: Placed on hold: 2 messages");
        assertThat(queue.list(QueueName.HOLD)).containsExactlyInAnyOrder(active, deferred, held);
        Run rel = run("postsuper", "-H", deferred.value());
        assertThat(rel.err()).contains("postsuper: Released from hold: 1 message");
        assertThat(Files.exists(queue.path(QueueName.DEFERRED, deferred))).isTrue();
        assertThat(Files.readString(dir.resolve("maillog"))).contains("postsuper[")
                .contains(deferred.value() + ": released from hold");
    }

    @Test
    void postsuperDeletesOneOrAllInAQueue() throws Exception {
        assertThat(run("postsuper", "-d", held.value()).err()).contains("postsuper: Deleted: 1 message");
        assertThat(queue.find(held)).isEmpty();
        assertThat(run("postsuper", "-d", "ALL", "deferred").err()).contains("postsuper: Deleted: 1 message");
        assertThat(queue.list(QueueName.ACTIVE)).containsExactly(active);
        assertThat(Files.readString(dir.resolve("maillog"))).contains(held.value() + ": removed");
    }

    @Test
    void postsuperRequeuesIntoActive() throws Exception {
        assertThat(run("postsuper", "-r", "ALL").err()).contains("postsuper: Requeued: 2 messages");
        assertThat(queue.list(QueueName.ACTIVE)).containsExactlyInAnyOrder(active, deferred, held);
    }

    @Test
    void postsuperRejectsABadQueueName() {
        Run r = run("postsuper", "-d", "ALL", "bogus");
        assertThat(r.exit()).isNotZero();
    }

    @Test
    void postcatShowsEnvelopeAndContent() {
        Run r = run("postcat", "-q", deferred.value());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("*** ENVELOPE RECORDS deferred/" + deferred.value() + " ***")
                .contains("sender: alice@example.test").contains("recipient: carol@other.test")
                .contains("*** MESSAGE CONTENTS deferred/" + deferred.value() + " ***")
                .contains("Subject: queued ü").contains("*** MESSAGE FILE END deferred/" + deferred.value() + " ***");
    }
}
