package org.bulwark.qmgr;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;
import org.bulwark.mail.Recipient;
import org.bulwark.queue.DeliveryAgent;
import org.bulwark.queue.DeliveryReport;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.bulwark.queue.DeliveryRequest;
import org.bulwark.queue.MailQueue;
import org.bulwark.queue.QueueFileWriter;
import org.bulwark.queue.QueueName;
import org.bulwark.queue.QueuedMessage;
import org.bulwark.rewrite.Resolution;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler against a real queue directory, with a delivery agent that records its calls. */
class QueueManagerTest {

    @TempDir
    Path dir;

    private MailQueue queue;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final MailLog log = MailLog.to(new PrintStream(logBytes, true, StandardCharsets.UTF_8), "mail.example.test", "postfix");
    private final Map<String, String> parameters = new HashMap<>(Map.of(
            "queue_run_delay", "300s",
            "minimal_backoff_time", "300s",
            "maximal_backoff_time", "4000s",
            "maximal_queue_lifetime", "5d",
            "bounce_queue_lifetime", "5d",
            "default_process_limit", "4",
            "default_destination_concurrency_limit", "2",
            "default_destination_recipient_limit", "50"));
    private Function<MailAddress, List<Resolution>> resolver = a -> List.of(new Resolution("local", "", a));
    private final RecordingAgent agent = new RecordingAgent("local");
    private QueueManager qmgr;

    /** Records each request and answers per address: SENT unless told otherwise. */
    static class RecordingAgent implements DeliveryAgent {
        final String transport;
        final List<DeliveryRequest> requests = new CopyOnWriteArrayList<>();
        final Map<String, Status> answers = new java.util.concurrent.ConcurrentHashMap<>();

        RecordingAgent(String transport) {
            this.transport = transport;
        }

        @Override
        public String transport() {
            return transport;
        }

        @Override
        public DeliveryReport deliver(DeliveryRequest request) {
            requests.add(request);
            List<Outcome> outcomes = new ArrayList<>();
            for (DeliveryRequest.Target t : request.targets()) {
                Status s = answers.getOrDefault(t.address().internal(), Status.SENT);
                outcomes.add(switch (s) {
                    case SENT -> new Outcome(t, s, "local", "2.0.0", "delivered to maildir");
                    case DEFERRED -> new Outcome(t, s, "local", "4.2.0", "mailbox temporarily unavailable");
                    case BOUNCED -> new Outcome(t, s, "local", "5.1.1", "unknown user");
                });
            }
            return new DeliveryReport(outcomes);
        }

        List<String> deliveredAddresses() {
            return requests.stream().flatMap(r -> r.targets().stream()).map(t -> t.address().internal()).toList();
        }
    }

    @BeforeEach
    void openQueue() throws IOException {
        queue = MailQueue.open(dir.resolve("queue"));
    }

    @AfterEach
    void stopQueueManager() {
        if (qmgr != null) {
            qmgr.stop(Duration.ofSeconds(5));
        }
    }

    private QueueId enqueue(String... recipients) throws IOException {
        List<Recipient> list = new ArrayList<>();
        for (String r : recipients) {
            list.add(Recipient.of(MailAddress.of(r)));
        }
        Envelope envelope = Envelope.of(MailAddress.of("alice@example.test"), list, ClientInfo.local("alice"));
        try (QueueFileWriter writer = queue.create(envelope)) {
            writer.content().write("Subject: test\n\nhello\n".getBytes(StandardCharsets.UTF_8));
            writer.commit();
            return writer.id();
        }
    }

    private void startQueueManager(DeliveryAgent... agents) {
        Map<String, DeliveryAgent> byTransport = new HashMap<>();
        for (DeliveryAgent a : agents) {
            byTransport.put(a.transport(), a);
        }
        qmgr = new QueueManager(Config.of(parameters), queue, byTransport, log,
                new QueueManager.Collaborators(resolver, null, Clock.systemUTC()));
        qmgr.start();
    }

    private String log() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached");
            }
            Thread.sleep(20);
        }
    }

    private boolean in(QueueName name, QueueId id) {
        try {
            return queue.list(name).contains(id);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void removesAMessageOnceEveryRecipientIsSent() throws Exception {
        QueueId id = enqueue("bob@example.test", "carol@example.test");
        startQueueManager(agent);

        await(() -> log().contains(id + ": removed"));

        assertThat(in(QueueName.ACTIVE, id) || in(QueueName.DEFERRED, id)).isFalse();
        assertThat(agent.deliveredAddresses()).containsExactlyInAnyOrder("bob@example.test", "carol@example.test");
        assertThat(log()).contains("postfix/qmgr[").contains(id + ": from=<alice@example.test>, size=")
                .contains(", nrcpt=2 (queue active)")
                .containsPattern("postfix/local\\[\\d+\\]: " + id + ": to=<bob@example.test>, relay=local, delay=[0-9.]+, "
                        + "delays=[0-9.]+/[0-9.]+/0/[0-9.]+, dsn=2\\.0\\.0, status=sent \\(delivered to maildir\\)");
    }

    @Test
    void resolvesRecipientsWithTheConfiguredAddressResolver() throws Exception {
        parameters.putAll(Map.of("myhostname", "mail.example.test", "mydestination", "example.test",
                "local_transport", "local", "virtual_alias_maps", "inline:{ {abuse@example.test=bob@example.test} }"));
        Config config = Config.of(parameters);
        QueueId id = enqueue("abuse@example.test");
        qmgr = new QueueManager(config, queue, Map.of("local", agent), log,
                QueueManager.Collaborators.of(new org.bulwark.rewrite.AddressResolver(config), null));
        qmgr.start();

        await(() -> log().contains(id + ": removed"));

        assertThat(agent.deliveredAddresses()).containsExactly("bob@example.test");
        assertThat(log()).contains("to=<bob@example.test>, orig_to=<abuse@example.test>");
    }

    @Test
    void groupsRecipientsOfOneDestinationIntoOneDelivery() throws Exception {
        QueueId id = enqueue("bob@example.test", "carol@example.test");
        startQueueManager(agent);

        await(() -> log().contains(id + ": removed"));

        assertThat(agent.requests).hasSize(1);
    }

    @Test
    void splitsADestinationsRecipientsByTheRecipientLimit() throws Exception {
        parameters.put("default_destination_recipient_limit", "2");
        QueueId id = enqueue("a@example.test", "b@example.test", "c@example.test");
        startQueueManager(agent);

        await(() -> log().contains(id + ": removed"));

        assertThat(agent.requests).extracting(r -> r.targets().size()).containsExactlyInAnyOrder(2, 1);
    }

    @Test
    void movesADeferredMessageToDeferredWithItsNextAttempt() throws Exception {
        agent.answers.put("bob@example.test", Status.DEFERRED);
        Instant before = Instant.now();
        QueueId id = enqueue("bob@example.test");
        startQueueManager(agent);

        await(() -> in(QueueName.DEFERRED, id));

        QueuedMessage deferred = queue.read(QueueName.DEFERRED, id);
        assertThat(deferred.attempts()).isEqualTo(1);
        assertThat(deferred.nextAttempt()).isAfterOrEqualTo(before.plusSeconds(300));
        assertThat(deferred.deferReason()).contains("mailbox temporarily unavailable");
        assertThat(log()).contains("to=<bob@example.test>, relay=local")
                .contains("dsn=4.2.0, status=deferred (mailbox temporarily unavailable)")
                .doesNotContain(id + ": removed");
    }

    @Test
    void retriesOnlyTheRecipientsThatWereNotDelivered() throws Exception {
        agent.answers.put("carol@example.test", Status.DEFERRED);
        QueueId id = enqueue("bob@example.test", "carol@example.test");
        startQueueManager(agent);
        await(() -> in(QueueName.DEFERRED, id));

        agent.answers.clear();
        agent.requests.clear();
        queue.move(id, QueueName.DEFERRED, QueueName.ACTIVE);
        qmgr.wake();
        await(() -> log().contains(id + ": removed"));

        assertThat(agent.deliveredAddresses()).containsExactly("carol@example.test");
    }

    @Test
    void deliversAMessageFoundInActiveAtStartOnlyToRecipientsNotYetDone() throws Exception {
        QueueId id = enqueue("bob@example.test", "carol@example.test");
        // As if the previous run crashed after recording bob's delivery.
        queue.markDone(queue.read(QueueName.ACTIVE, id), 0);

        startQueueManager(agent);
        await(() -> log().contains(id + ": removed"));

        assertThat(agent.deliveredAddresses()).containsExactly("carol@example.test");
    }

    @Test
    void leavesAMessageInActiveWhenStoppedDuringDeliveryAndDeliversItOnceAfterRestart() throws Exception {
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        DeliveryAgent hanging = new DeliveryAgent() {
            @Override
            public String transport() {
                return "local";
            }

            @Override
            public DeliveryReport deliver(DeliveryRequest request) {
                entered.countDown();
                try {
                    new java.util.concurrent.CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new DeliveryReport(List.of());
            }
        };
        QueueId id = enqueue("bob@example.test");
        startQueueManager(hanging);
        entered.await();
        qmgr.stop(Duration.ofMillis(100));

        assertThat(in(QueueName.ACTIVE, id)).isTrue();
        assertThat(in(QueueName.DEFERRED, id)).isFalse();

        startQueueManager(agent);
        await(() -> log().contains(id + ": removed"));
        assertThat(agent.deliveredAddresses()).containsExactly("bob@example.test");
    }

    @Test
    void aMessageAStoppedManagerStillDeliversIsNotDeliveredAgainByItsSuccessor() throws Exception {
        // As at a reload: the old manager's grace ends while its agent is still at work (a remote
        // server taking the data, say), and the agent goes on to deliver despite the interrupt.
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
        RecordingAgent slow = new RecordingAgent("local") {
            @Override
            public DeliveryReport deliver(DeliveryRequest request) {
                entered.countDown();
                boolean interrupted = false;
                while (finish.getCount() > 0) {
                    try {
                        finish.await();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                return super.deliver(request);
            }
        };
        QueueId first = enqueue("bob@example.test");
        startQueueManager(slow);
        entered.await();
        qmgr.stop(Duration.ofMillis(100));

        startQueueManager(agent);
        // The successor's first round has listed active/ once this later arrival is delivered.
        QueueId second = enqueue("carol@example.test");
        await(() -> log().contains(second + ": removed"));
        assertThat(agent.deliveredAddresses()).containsExactly("carol@example.test");

        finish.countDown();
        await(() -> !in(QueueName.ACTIVE, first));
        assertThat(slow.deliveredAddresses()).containsExactly("bob@example.test");
        assertThat(agent.deliveredAddresses()).containsExactly("carol@example.test");
        assertThat(in(QueueName.DEFERRED, first)).isFalse();
    }

    @Test
    void aRetiredManagerLetsItsDeliveriesFinishWhileItsSuccessorDeliversTheRest() throws Exception {
        // A reload: the old manager's delivery is neither waited for nor interrupted.
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();
        RecordingAgent slow = new RecordingAgent("local") {
            @Override
            public DeliveryReport deliver(DeliveryRequest request) {
                entered.countDown();
                try {
                    finish.await();
                } catch (InterruptedException e) {
                    interrupted.set(true);
                }
                return super.deliver(request);
            }
        };
        QueueId first = enqueue("bob@example.test");
        startQueueManager(slow);
        entered.await();
        QueueManager old = qmgr;
        java.util.function.BooleanSupplier oldDone = old.retire(Duration.ofSeconds(5));

        startQueueManager(agent);
        QueueId second = enqueue("carol@example.test");
        await(() -> log().contains(second + ": removed"));
        assertThat(oldDone.getAsBoolean()).as("the old delivery still runs").isFalse();

        finish.countDown();
        await(() -> log().contains(first + ": removed"));
        await(oldDone);
        assertThat(interrupted).isFalse();
        assertThat(slow.deliveredAddresses()).containsExactly("bob@example.test");
        assertThat(agent.deliveredAddresses()).containsExactly("carol@example.test");
    }

    @Test
    void aManagerRetiredWithoutHavingStartedHasNothingToFinish() {
        QueueManager never = new QueueManager(Config.of(parameters), queue, Map.of("local", agent), log,
                new QueueManager.Collaborators(resolver, null, Clock.systemUTC()));

        assertThat(never.retire(Duration.ofSeconds(1)).getAsBoolean()).isTrue();
    }

    @Test
    void bouncesARecipientTheResolverSendsToTheErrorTransport() throws Exception {
        resolver = a -> List.of(new Resolution("error", "User unknown in virtual alias table", a));
        QueueId id = enqueue("nobody@example.test");
        startQueueManager(agent);

        await(() -> log().contains(id + ": removed"));

        assertThat(log()).contains("to=<nobody@example.test>, relay=none")
                .contains("dsn=5.1.1, status=bounced (User unknown in virtual alias table)");
        assertThat(agent.requests).isEmpty();
    }

    @Test
    void takesTheStatusCodeLeadingTheErrorTransportsText() throws Exception {
        resolver = a -> List.of(new Resolution("error", "5.7.1 mail for this address is refused", a));
        QueueId id = enqueue("closed@example.test");
        startQueueManager(agent);

        await(() -> log().contains(id + ": removed"));

        assertThat(log()).contains("dsn=5.7.1, status=bounced (mail for this address is refused)");
    }

    @Test
    void defersRecipientsOfATransportWithoutAnAgent() throws Exception {
        resolver = a -> List.of(new Resolution("smtp", "example.net", a));
        QueueId id = enqueue("someone@example.net");
        startQueueManager(agent);

        await(() -> in(QueueName.DEFERRED, id));

        assertThat(log()).containsPattern("postfix/qmgr\\[\\d+\\]: " + id + ": to=<someone@example.net>, relay=none, .*"
                + "dsn=4\\.3\\.0, status=deferred \\(mail transport unavailable\\)");
    }

    @Test
    void defersARecipientTheResolverSendsToTheRetryTransport() throws Exception {
        resolver = a -> List.of(new Resolution("retry", "alias lookup failed", a));
        QueueId id = enqueue("someone@example.test");
        startQueueManager(agent);

        await(() -> in(QueueName.DEFERRED, id));

        assertThat(log()).contains("dsn=4.3.0, status=deferred (alias lookup failed)");
        assertThat(queue.read(QueueName.DEFERRED, id).deferReason()).contains("alias lookup failed");
    }

    @Test
    void logsTheOriginalRecipientOfAnAlias() throws Exception {
        resolver = a -> List.of(new Resolution("local", "", MailAddress.of("postmaster@example.test")));
        QueueId id = enqueue("abuse@example.test");
        startQueueManager(agent);

        await(() -> log().contains(id + ": removed"));

        assertThat(log()).contains(id + ": to=<postmaster@example.test>, orig_to=<abuse@example.test>, relay=local");
    }

    @Test
    void keepsAnAliasRecipientUntilEveryTargetIsDelivered() throws Exception {
        resolver = a -> List.of(new Resolution("local", "", MailAddress.of("x@example.test")),
                new Resolution("local", "", MailAddress.of("y@example.test")));
        agent.answers.put("y@example.test", Status.DEFERRED);
        QueueId id = enqueue("team@example.test");
        startQueueManager(agent);

        await(() -> in(QueueName.DEFERRED, id));

        assertThat(queue.read(QueueName.DEFERRED, id).recipients().get(0).done()).isFalse();
    }

    @Test
    void returnsAMessageThatOutlivedMaximalQueueLifetime() throws Exception {
        parameters.put("maximal_queue_lifetime", "0s");
        agent.answers.put("bob@example.test", Status.DEFERRED);
        QueueId id = enqueue("bob@example.test");
        startQueueManager(agent);

        await(() -> log().contains(id + ": removed"));

        assertThat(log()).contains(id + ": from=<alice@example.test>, status=expired, returned to sender");
        assertThat(in(QueueName.DEFERRED, id)).isFalse();
    }

    @Test
    void bringsBackADeferredMessageWhoseNextAttemptHasCome() throws Exception {
        parameters.put("minimal_backoff_time", "0s");
        parameters.put("maximal_backoff_time", "0s");
        parameters.put("queue_run_delay", "1s");
        agent.answers.put("bob@example.test", Status.DEFERRED);
        QueueId id = enqueue("bob@example.test");
        startQueueManager(agent);
        await(() -> agent.requests.size() >= 1);

        agent.answers.clear();
        await(() -> log().contains(id + ": removed"));

        assertThat(agent.deliveredAddresses()).endsWith("bob@example.test");
    }
}
