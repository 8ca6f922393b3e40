package org.bulwark.qmgr;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.Recipient;
import org.bulwark.queue.DeliveryAgent;
import org.bulwark.queue.DeliveryReport;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.bulwark.queue.DeliveryRequest;
import org.bulwark.queue.MailQueue;
import org.bulwark.queue.QueueFileWriter;
import org.bulwark.rewrite.Resolution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qmgr_message_active_limit caps the messages in delivery at once, whatever the destinations. */
class ActiveLimitTest {

    @TempDir
    Path dir;

    @Test
    void noMoreMessagesAreInDeliveryThanTheActiveLimit() throws Exception {
        MailQueue queue = MailQueue.open(dir.resolve("queue"));
        for (int i = 0; i < 6; i++) {
            Envelope envelope = Envelope.of(MailAddress.of("alice@example.test"),
                    List.of(Recipient.of(MailAddress.of("user@d" + i + ".test"))), ClientInfo.local("alice"));
            try (QueueFileWriter w = queue.create(envelope)) {
                w.content().write("Subject: x\n\nbody\n".getBytes(StandardCharsets.UTF_8));
                w.commit();
            }
        }
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger delivered = new AtomicInteger();
        DeliveryAgent slow = new DeliveryAgent() {
            @Override
            public String transport() {
                return "slow";
            }

            @Override
            public DeliveryReport deliver(DeliveryRequest request) {
                most.accumulateAndGet(now.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                now.decrementAndGet();
                delivered.addAndGet(request.targets().size());
                List<Outcome> out = new ArrayList<>();
                for (DeliveryRequest.Target t : request.targets()) {
                    out.add(new Outcome(t, Status.SENT, "slow", "2.0.0", "ok"));
                }
                return new DeliveryReport(out);
            }
        };
        MailLog log = MailLog.to(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                "mail.example.test", "postfix");
        QueueManager qmgr = new QueueManager(Config.of(Map.of("qmgr_message_active_limit", "2",
                "default_process_limit", "10", "default_destination_concurrency_limit", "10")), queue,
                Map.of("slow", slow), log, new QueueManager.Collaborators(
                        a -> List.of(new Resolution("slow", a.domain(), a)), null, Clock.systemUTC()));
        qmgr.start();
        try {
            Instant deadline = Instant.now().plusSeconds(30);
            while (delivered.get() < 6 && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
        } finally {
            qmgr.stop(Duration.ofSeconds(5));
        }
        assertThat(delivered.get()).isEqualTo(6);
        assertThat(most.get()).isEqualTo(2);
    }
}
