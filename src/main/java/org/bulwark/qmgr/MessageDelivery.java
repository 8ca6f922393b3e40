package org.bulwark.qmgr;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bulwark.bounce.NoticeKind;
import org.bulwark.bounce.RecipientReport;
import org.bulwark.log.MailLog;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;
import org.bulwark.queue.CorruptQueueFileException;
import org.bulwark.queue.DeliveryAgent;
import org.bulwark.queue.DeliveryReport;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.bulwark.queue.DeliveryRequest;
import org.bulwark.queue.DeliveryRequest.Target;
import org.bulwark.queue.MailQueue;
import org.bulwark.queue.QueueName;
import org.bulwark.queue.QueuedMessage;
import org.bulwark.queue.RecipientState;
import org.bulwark.rewrite.AddressResolver;
import org.bulwark.rewrite.Resolution;

/**
 * One pass over one message in active/: resolve the recipients that are not done, hand them to
 * the agents grouped by transport and nexthop, record each result durably, then remove, defer or
 * expire the message. A recipient that resolves to several addresses (an alias) is done only when
 * every one of them is sent or bounced, so a retry never skips an address that was not delivered.
 */
final class MessageDelivery {

    /** What every message pass shares with the queue manager. */
    record Context(MailQueue queue, Routing resolver, Map<String, DeliveryAgent> agents,
            DeliveryLimits limits, ExecutorService executor, QmgrLog log, Backoff backoff,
            Duration maximalQueueLifetime, Duration bounceQueueLifetime, Clock clock, NoticeSender notices,
            DelayWarnings warnings, ContentFilterRoute filters, Probes probes) {
    }

    /** {@code 5.1.1 User unknown}: an RFC 3463 code before the text, as error(8) accepts it. */
    private static final Pattern DSN_PREFIX = Pattern.compile("([245]\\.\\d{1,3}\\.\\d{1,3})\\s+(.*)", Pattern.DOTALL);

    private record Destination(String transport, String nexthop) {
    }

    /** How far one queue-file recipient got in this pass. */
    private static final class Progress {
        int targets;
        int finished;
        boolean deferred;
        /** A target bounced: the recipient is marked done only once the notice is queued. */
        boolean bounced;
    }

    private final Context context;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Integer, Progress> progress = new HashMap<>();
    /** Recipients delivered but not marked done because the message is removed next. */
    private final List<Integer> unmarked = new ArrayList<>();
    /**
     * A message with one delivery task, done on the run's own thread: its results' lines and the
     * removal's go to the maillog in one write, held from the moment the agent returns.
     */
    private boolean holdResults;
    private MailLog.Hold held;
    private QueuedMessage message;
    private Instant activeArrival;
    private String firstDeferReason;
    private final List<Outcome> bouncedOutcomes = new ArrayList<>();
    private final List<Outcome> deferredOutcomes = new ArrayList<>();
    private final List<Outcome> sentOutcomes = new ArrayList<>();
    /** Set when shutdown interrupted a delivery: nothing more is decided about this message now. */
    private volatile boolean abandoned;

    MessageDelivery(Context context) {
        this.context = context;
    }

    void run(QueueId id) {
        activeArrival = context.clock().instant();
        try {
            message = context.queue().readActive(id);
        } catch (NoSuchFileException e) {
            return; // already deferred or removed by a pass that just finished
        } catch (CorruptQueueFileException e) {
            context.log().warning(id + ": corrupt queue file moved to corrupt/: " + e.getMessage());
            return;
        } catch (IOException e) {
            context.log().warning(id + ": cannot read queue file: " + e.getMessage());
            return;
        }
        context.log().queueActive(message);
        Map<Destination, List<Target>> groups = resolve();
        List<Runnable> tasks = new ArrayList<>();
        for (Map.Entry<Destination, List<Target>> group : groups.entrySet()) {
            Destination destination = group.getKey();
            List<Target> targets = group.getValue();
            // Postfix's error(8) in its two roles: the nexthop is the reason, perhaps led by a DSN code.
            boolean error = destination.transport().equals(AddressResolver.ERROR_TRANSPORT);
            if (error || destination.transport().equals(AddressResolver.RETRY_TRANSPORT)) {
                Matcher coded = DSN_PREFIX.matcher(destination.nexthop());
                boolean hasCode = coded.matches() && coded.group(1).charAt(0) == (error ? '5' : '4');
                String dsn = hasCode ? coded.group(1) : error ? QmgrLog.DSN_UNDELIVERABLE : QmgrLog.DSN_TEMPORARY;
                String text = hasCode ? coded.group(2) : destination.nexthop();
                for (Target target : targets) {
                    finish(destination.transport(), new Outcome(target, error ? Status.BOUNCED : Status.DEFERRED,
                            QmgrLog.RELAY_NONE, dsn, text), null);
                }
                continue;
            }
            DeliveryAgent agent = context.agents().get(destination.transport());
            if (agent == null) {
                deferAll("qmgr", targets, QmgrLog.TRANSPORT_UNAVAILABLE, null);
                continue;
            }
            String suspended = context.limits().suspended(destination.transport(), destination.nexthop());
            if (suspended != null) {
                deferAll(destination.transport(), targets, QmgrLog.suspended(suspended), null);
                continue;
            }
            int limit = context.limits().recipientLimit(destination.transport());
            for (int from = 0; from < targets.size(); from += limit) {
                DeliveryRequest request = new DeliveryRequest(message, destination.nexthop(),
                        targets.subList(from, Math.min(targets.size(), from + limit)));
                tasks.add(() -> deliver(destination.transport(), agent, request));
            }
        }
        if (tasks.size() == 1) {
            // The usual message: one destination, delivered on this thread without a handoff.
            holdResults = true;
            try {
                try {
                    tasks.get(0).run();
                } catch (RuntimeException e) {
                    context.log().warning(id + ": delivery task failed: " + e);
                }
                if (!abandoned) {
                    conclude();
                } else {
                    markUnmarked();
                }
            } finally {
                releaseHeld();
            }
            return;
        }
        List<Future<?>> running = new ArrayList<>();
        for (Runnable task : tasks) {
            try {
                running.add(context.executor().submit(task));
            } catch (RejectedExecutionException e) {
                // Stopping: what was started is waited for and recorded below, or a successor
                // could deliver it again; the message stays in active/ for the rest.
                abandoned = true;
                break;
            }
        }
        boolean interrupted = false;
        for (Future<?> future : running) {
            while (true) {
                try {
                    future.get();
                    break;
                } catch (InterruptedException e) {
                    // Shutting down: the tasks were interrupted too; what they report is still
                    // recorded, and the message stays in active/ for the next start.
                    interrupted = true;
                    abandoned = true;
                } catch (ExecutionException e) {
                    context.log().warning(id + ": delivery task failed: " + e.getCause());
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!abandoned) {
            conclude();
        } else {
            markUnmarked();
        }
    }

    private Map<Destination, List<Target>> resolve() {
        Map<Destination, List<Target>> groups = new LinkedHashMap<>();
        List<Target> unresolved = new ArrayList<>();
        // A content filter replaces the resolver for every recipient (the L record of QUEUE_FORMAT.md).
        String filter = message.envelope().filter();
        for (RecipientState recipient : message.recipients()) {
            if (recipient.done()) {
                continue;
            }
            List<Resolution> resolutions;
            try {
                resolutions = filter != null
                        ? List.of(context.filters().route(filter, recipient.recipient().address()))
                        : message.envelope().probe() && context.probes() != null
                        ? context.probes().resolver().resolve(recipient.recipient().address(), message.envelope().sender())
                        : context.resolver().resolve(recipient.recipient().address(), message.envelope().sender());
            } catch (RuntimeException e) {
                context.log().warning(message.id() + ": resolving <" + recipient.recipient().address().external()
                        + ">: " + e.getMessage());
                resolutions = List.of();
            }
            Progress p = new Progress();
            progress.put(recipient.index(), p);
            if (resolutions.isEmpty()) {
                p.targets = 1;
                unresolved.add(new Target(recipient, recipient.recipient().address()));
                continue;
            }
            p.targets = resolutions.size();
            for (Resolution r : resolutions) {
                groups.computeIfAbsent(new Destination(r.transport(), r.nexthop()), k -> new ArrayList<>())
                        .add(new Target(recipient, r.address()));
            }
        }
        deferAll("qmgr", unresolved, QmgrLog.RESOLVER_FAILURE, null);
        return groups;
    }

    private void deliver(String transport, DeliveryAgent agent, DeliveryRequest request) {
        Instant handoff;
        DeliveryReport report;
        try (DeliveryLimits.Slot slot = context.limits().acquire(transport, request.nexthop())) {
            handoff = context.clock().instant();
            report = deliverSafely(transport, agent, request);
            context.limits().feedback(transport, request.nexthop(), reachedDestination(report),
                    report.outcomes().isEmpty() ? QmgrLog.AGENT_FAILURE : report.outcomes().get(0).text());
        } catch (InterruptedException e) {
            // Shutting down: nothing recorded, the message stays in active/.
            abandoned = true;
            Thread.currentThread().interrupt();
            return;
        }
        if (holdResults && held == null) {
            held = context.log().hold();
        }
        if (Thread.currentThread().isInterrupted()) {
            abandoned = true; // shutting down: what the agent reported is recorded, nothing is guessed
        }
        withInterruptHeld(() -> record(transport, request, report, handoff));
    }

    /**
     * Runs {@code work} with the thread's interrupt set aside and restored after: a FileChannel
     * refuses to write the done marks on an interrupted thread, and a stop must not lose them.
     */
    private static void withInterruptHeld(Runnable work) {
        boolean interrupted = Thread.interrupted();
        try {
            work.run();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void record(String transport, DeliveryRequest request, DeliveryReport report, Instant handoff) {
        Map<Target, Outcome> byTarget = new HashMap<>();
        for (Outcome outcome : report.outcomes()) {
            byTarget.putIfAbsent(outcome.target(), outcome);
        }
        List<Target> unreported = new ArrayList<>();
        for (Target target : request.targets()) {
            Outcome outcome = byTarget.get(target);
            if (outcome == null) {
                unreported.add(target);
            } else {
                finish(transport, outcome, handoff);
            }
        }
        if (!abandoned) {
            deferAll(transport, unreported, QmgrLog.AGENT_FAILURE, handoff);
        }
    }

    /**
     * Postfix's feedback rule: a delivery that reached the destination (any result other than
     * "every recipient deferred with no server to blame") counts as success.
     */
    private static boolean reachedDestination(DeliveryReport report) {
        return report.outcomes().stream().anyMatch(o -> o.status() != Status.DEFERRED
                || !QmgrLog.RELAY_NONE.equals(o.relay()));
    }

    private DeliveryReport deliverSafely(String transport, DeliveryAgent agent, DeliveryRequest request) {
        try {
            return agent.deliver(request);
        } catch (RuntimeException e) {
            context.log().warning(message.id() + ": transport " + transport + " failed: " + e);
            return new DeliveryReport(List.of());
        }
    }

    private void deferAll(String transport, List<Target> targets, String reason, Instant handoff) {
        for (Target target : targets) {
            finish(transport, new Outcome(target, Status.DEFERRED, QmgrLog.RELAY_NONE, QmgrLog.DSN_TEMPORARY, reason),
                    handoff);
        }
    }

    /** Records one result: a recipient whose last target is sent or bounced is marked done first. */
    private void finish(String transport, Outcome outcome, Instant handoff) {
        String statusWord = null;
        Outcome original = outcome;
        if (message.envelope().probe()) {
            // verify(8): the result goes to the cache, and the probe recipient is done whatever it was.
            statusWord = Probes.record(context.probes(), outcome, context.log());
            outcome = new Outcome(outcome.target(), Status.SENT, "", outcome.dsn(), outcome.text());
        }
        RecipientState recipient = outcome.target().recipient();
        lock.lock();
        try {
            Progress p = progress.get(recipient.index());
            p.finished++;
            switch (outcome.status()) {
                case DEFERRED -> deferredOutcomes.add(outcome);
                case BOUNCED -> {
                    bouncedOutcomes.add(outcome);
                    p.bounced = true;
                }
                case SENT -> {
                    // RFC 3461 §4.2: a remote server that took NOTIFY=SUCCESS on reports itself.
                    if (!outcome.relay().contains("[") && statusWord == null) {
                        sentOutcomes.add(outcome);
                    }
                }
            }
            if (outcome.status() == Status.DEFERRED) {
                p.deferred = true;
                if (firstDeferReason == null) {
                    firstDeferReason = outcome.text();
                }
            } else if (p.finished == p.targets && !p.deferred && !p.bounced) {
                if (everyRecipientDone()) {
                    // The last one: the message's durable removal records it (one directory fsync,
                    // shared with other messages') instead of a flush of its own.
                    unmarked.add(recipient.index());
                } else {
                    try {
                        context.queue().markDone(message, recipient.index());
                    } catch (IOException e) {
                        // Not durably done: it will be tried again, a duplicate rather than a loss.
                        context.log().warning(message.id() + ": cannot mark recipient done: " + e.getMessage());
                        p.deferred = true;
                        if (firstDeferReason == null) {
                            firstDeferReason = QmgrLog.AGENT_FAILURE;
                        }
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        Instant done = context.clock().instant();
        QmgrLog.Timing timing = new QmgrLog.Timing(message.envelope().arrival(), activeArrival, handoff, done);
        if (statusWord != null) {
            context.log().probe(transport, message, original, statusWord, timing);
        } else {
            context.log().delivery(transport, message, outcome, timing);
        }
    }

    private boolean everyRecipientDone() {
        for (Progress q : progress.values()) {
            if (q.finished < q.targets || q.deferred) {
                return false;
            }
        }
        return true;
    }

    /** When the pass ends without the removal (shutdown), the skipped marks are written after all. */
    private void markUnmarked() {
        withInterruptHeld(() -> {
            for (int index : unmarked) {
                try {
                    context.queue().markDone(message, index);
                } catch (IOException e) {
                    context.log().warning(message.id() + ": cannot mark recipient done: " + e.getMessage());
                }
            }
            unmarked.clear();
        });
    }

    /**
     * After every result is in: notices first (so a crash repeats a notice rather than losing
     * one), then the done marks of bounced recipients, then remove, expire or defer the message.
     */
    private void conclude() {
        if (!bouncedOutcomes.isEmpty() || !deferredOutcomes.isEmpty() || sentOutcomes.stream().anyMatch(
                o -> NoticeKind.SUCCESS.wanted(o.target().recipient().recipient().dsnNotify()))) {
            // A notice or a deferral comes next, with lines of other threads about it: these go first.
            releaseHeld();
        }
        Instant now = context.clock().instant();
        List<Integer> deferred = new ArrayList<>();
        List<Integer> bounced = new ArrayList<>();
        progress.forEach((index, p) -> {
            if (p.deferred || p.finished < p.targets) {
                deferred.add(index);
            } else if (p.bounced) {
                bounced.add(index);
            }
        });
        boolean expired = !deferred.isEmpty() && expired(now);
        List<RecipientReport> failures = reports(bouncedOutcomes, null);
        if (expired) {
            failures.addAll(reports(deferredOutcomes, QmgrLog.EXPIRED_PREFIX));
        }
        try {
            if (context.notices().send(NoticeKind.FAILURE, message, failures)) {
                for (int index : bounced) {
                    context.queue().markDone(message, index);
                }
            } else {
                deferred.addAll(bounced);
                expired = false;
                if (firstDeferReason == null) {
                    firstDeferReason = QmgrLog.AGENT_FAILURE;
                }
            }
            context.notices().send(NoticeKind.SUCCESS, message, reports(sentOutcomes, null));
            if (deferred.isEmpty()) {
                removeMessage();
                return;
            }
            if (expired) {
                for (int index : deferred) {
                    context.queue().markDone(message, index);
                }
                context.log().expired(message);
                removeMessage();
                return;
            }
            if (context.warnings().due(message, now)) {
                if (context.notices().send(NoticeKind.DELAY, message, reports(deferredOutcomes, null))) {
                    context.warnings().mark(message.id());
                }
            }
            markUnmarked(); // the message stays: its delivered recipients need their own marks
            Instant next = context.backoff().nextAttempt(message.envelope().arrival(), now);
            context.queue().defer(message, next, firstDeferReason == null ? QmgrLog.AGENT_FAILURE : firstDeferReason);
        } catch (IOException e) {
            context.log().warning(message.id() + ": cannot update queue file: " + e.getMessage());
            markUnmarked();
        }
    }

    private void releaseHeld() {
        if (held != null) {
            held.close();
            held = null;
        }
    }

    private static List<RecipientReport> reports(List<Outcome> outcomes, String prefix) {
        List<RecipientReport> out = new ArrayList<>();
        for (Outcome o : outcomes) {
            // An expired recipient keeps its last 4.x.x status with Action: failed, as Postfix reports it.
            out.add(new RecipientReport(o.target().recipient().recipient(), o.target().address(), o.dsn(), o.relay(),
                    prefix == null ? o.text() : prefix + o.text()));
        }
        return out;
    }

    private boolean expired(Instant now) {
        Duration lifetime = message.envelope().sender().isNullSender()
                ? context.bounceQueueLifetime() : context.maximalQueueLifetime();
        return !now.isBefore(message.envelope().arrival().plus(lifetime));
    }

    private void removeMessage() throws IOException {
        context.queue().removeDone(QueueName.ACTIVE, message);
        context.warnings().forget(message.id());
        context.log().removed(message);
    }
}
