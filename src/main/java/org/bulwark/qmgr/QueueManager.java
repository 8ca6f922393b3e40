package org.bulwark.qmgr;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.bulwark.bounce.Notices;
import org.bulwark.cleanup.Cleanup;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;
import org.bulwark.queue.CorruptQueueFileException;
import org.bulwark.queue.DeliveryAgent;
import org.bulwark.queue.MailQueue;
import org.bulwark.queue.QueueName;
import org.bulwark.queue.QueuedMessage;
import org.bulwark.rewrite.AddressResolver;
import org.bulwark.rewrite.Resolution;
import org.bulwark.util.WakeLoop;
import org.bulwark.verify.AddressVerifier;

/**
 * The scheduler. Every message in active/ gets one delivery pass on a virtual thread, at most
 * {@code default_process_limit} agent deliveries run at once, and deferred/ is scanned every
 * {@code queue_run_delay} for messages whose next attempt is due. Whatever is in active/ when it
 * starts (a crash, a stop during delivery) is simply delivered: recipients already marked done are
 * skipped, so a crash repeats at most the deliveries that were not yet recorded.
 */
public final class QueueManager {

    /** active/ is looked at this often even without an arrival signal (files moved in by hand, postsuper). */
    private static final Duration ACTIVE_POLL = Duration.ofSeconds(1);

    private final MailQueue queue;
    private final QmgrLog log;
    private final Duration queueRunDelay;
    /** {@code qmgr_message_active_limit}: messages in delivery at once; the rest wait in their queue. */
    private final int activeLimit;
    private final MessageDelivery.Context context;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<QueueId> inFlight = ConcurrentHashMap.newKeySet();
    /** A full listing of active/ is asked for ({@link #wake}), not only the arrivals dispatched. */
    private final AtomicBoolean scanRequested = new AtomicBoolean();
    /** Messages the queue reported durable in active/: dispatched by ID, without listing active/. */
    private final Queue<QueueId> arrived = new ConcurrentLinkedQueue<>();
    private boolean listening;
    private final java.util.function.Consumer<QueueId> arrivalListener = id -> {
        arrived.add(id);
        signal(false);
    };
    private volatile WakeLoop scheduler;
    /** When deferred/ is next scanned; the scheduler's thread alone reads and writes it. */
    private Instant nextDeferredScan = Instant.MIN;

    /**
     * What the scheduler works with besides its configuration, queue and agents; one left null
     * takes its default: addresses resolved by an {@link AddressResolver} of the scheduler's
     * configuration, no cleanup (then no bounces, delay warnings or success notices are queued:
     * a scheduler exercised on its own), and the system clock.
     */
    public record Collaborators(Routing resolver, Cleanup cleanup, Clock clock, AddressVerifier verifier) {
        public Collaborators {
            clock = clock != null ? clock : Clock.systemUTC();
        }

        /** With a resolver that routes each recipient alike whoever the sender is. */
        public Collaborators(Function<MailAddress, List<Resolution>> resolver, Cleanup cleanup, Clock clock) {
            this(resolver == null ? null : (recipient, sender) -> resolver.apply(recipient), cleanup, clock, null);
        }

        /** The resolver of the composition root, and cleanup, through which notices are queued. */
        public static Collaborators of(AddressResolver resolver, Cleanup cleanup) {
            return new Collaborators(resolver::resolve, cleanup, null, null);
        }

        /** With the verify(8) service that takes the probes' results; null: probes are dropped. */
        public Collaborators withVerifier(AddressVerifier service) {
            return new Collaborators(resolver, cleanup, clock, service);
        }
    }

    public QueueManager(Config config, MailQueue queue, Map<String, DeliveryAgent> agents, MailLog log,
            Collaborators with) {
        Routing resolver = with.resolver() != null ? with.resolver() : new AddressResolver(config)::resolve;
        Clock clock = with.clock();
        Cleanup cleanup = with.cleanup();
        this.queue = queue;
        this.log = new QmgrLog(log);
        this.queueRunDelay = config.time("queue_run_delay");
        int limit = config.integer("qmgr_message_active_limit");
        this.activeLimit = limit <= 0 ? Integer.MAX_VALUE : limit;
        Backoff backoff = new Backoff(config.time("minimal_backoff_time"), config.time("maximal_backoff_time"));
        Notices notices = new Notices(config);
        this.context = new MessageDelivery.Context(queue, TransportMaps.around(resolver, config), Map.copyOf(agents),
                new DeliveryLimits(config), executor, this.log, backoff,
                config.time("maximal_queue_lifetime"), config.time("bounce_queue_lifetime"), clock,
                new NoticeSender(notices, cleanup, this.log, clock),
                new DelayWarnings(queue.directory(), notices.delayWarningTime()), ContentFilterRoute.of(config),
                with.verifier() == null ? null : new Probes(with.verifier(), probeResolver(config)));
    }

    /**
     * Probes go where address_verify_relayhost, _transport_maps and the address_verify_*_transport
     * parameters say (by default the same values as for mail), as Postfix's trivial-rewrite routes
     * them for the verify service.
     */
    private static Routing probeResolver(Config config) {
        Config probe = Probes.routing(config);
        return TransportMaps.around(new AddressResolver(probe)::resolve, probe);
    }

    public synchronized void start() {
        if (scheduler != null && scheduler.running()) {
            return;
        }
        if (!listening) {
            queue.onArrival(arrivalListener);
            listening = true;
        }
        nextDeferredScan = Instant.MIN;
        scheduler = new WakeLoop("qmgr", () -> ACTIVE_POLL, this::schedule,
                e -> log.warning("queue scan failed, trying again: " + e));
        scheduler.start();
    }

    /** Asks for an immediate scan of active/; the queue's arrival signal calls it. */
    public void wake() {
        signal(true);
    }

    private void signal(boolean scan) {
        if (scan) {
            scanRequested.set(true);
        }
        WakeLoop loop = scheduler;
        if (loop != null) {
            loop.wake();
        }
    }

    /**
     * Stops scheduling and waits up to {@code grace} for deliveries in progress; those still
     * running are interrupted and their messages stay in active/ for the next start.
     */
    public void stop(Duration grace) {
        WakeLoop loop = stopScheduling(grace);
        if (loop == null) {
            return;
        }
        try {
            if (!executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * At a reload: stops scheduling (waiting up to {@code grace} for a round under way) and lets
     * the deliveries in progress finish, as Postfix's reload lets its delivery agents finish. Their
     * claims keep the successor off their messages, so it can start at once.
     *
     * @return whether every delivery of this manager has ended
     */
    public BooleanSupplier retire(Duration grace) {
        stopScheduling(grace);
        executor.shutdown(); // also for a manager that was never started, which has nothing to finish
        return executor::isTerminated;
    }

    /** The scheduler that was running, now stopped, or null if none ran. */
    private WakeLoop stopScheduling(Duration grace) {
        WakeLoop loop;
        synchronized (this) {
            // A stopped manager hears of no more arrivals: at a reload its successor lists
            // active/ when it starts, and the IDs would otherwise pile up here for good.
            if (listening) {
                queue.removeArrivalListener(arrivalListener);
                listening = false;
                arrived.clear();
            }
            loop = scheduler;
            if (loop == null || !loop.running()) {
                return null;
            }
        }
        executor.shutdown();
        try {
            loop.stop(grace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return loop;
    }

    /** One round of the scheduler: at once when started, then on each arrival, wake or ACTIVE_POLL. */
    private void schedule(boolean woken) {
        // A full listing when asked, and on every quiet poll for files moved in by hand.
        boolean scan = scanRequested.getAndSet(false) || !woken;
        Instant now = context.clock().instant();
        if (!now.isBefore(nextDeferredScan)) {
            scanDeferred(now);
            nextDeferredScan = now.plus(queueRunDelay);
            scan = true;
        }
        if (scan) {
            arrived.clear(); // the listing below finds them too
            scanActive();
        } else {
            // An arrival wakes this thread at once and costs no directory listing.
            for (QueueId id; (id = arrived.poll()) != null; ) {
                dispatch(id);
            }
        }
    }

    private void scanActive() {
        try {
            for (QueueId id : queue.list(QueueName.ACTIVE)) {
                if (!scheduler.running() || !dispatch(id)) {
                    return;
                }
            }
        } catch (IOException e) {
            log.warning("scan active queue: " + e.getMessage());
        }
    }

    /**
     * Starts a delivery pass unless one runs for this message already; false when stopping or when
     * qmgr_message_active_limit passes are running (the rest is taken by the scan that the end of
     * a pass asks for).
     */
    private boolean dispatch(QueueId id) {
        if (inFlight.size() >= activeLimit && !inFlight.contains(id)) {
            return false;
        }
        if (inFlight.add(id)) {
            if (!queue.claim(id)) {
                // The manager this one replaced at a reload still delivers it, and offers it again
                // when done if it is still in active/.
                inFlight.remove(id);
                return true;
            }
            boolean atLimit = inFlight.size() >= activeLimit;
            WakeLoop loop = scheduler;
            try {
                executor.execute(() -> {
                    try {
                        new MessageDelivery(context).run(id);
                    } finally {
                        inFlight.remove(id);
                        queue.release(id, !loop.running());
                        if (atLimit) {
                            wake();
                        }
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                inFlight.remove(id); // stopping
                queue.release(id, false);
                return false;
            }
        }
        return true;
    }

    /** Moves deferred messages whose next attempt has come back to active/. */
    private void scanDeferred(Instant now) {
        try {
            int active = queue.list(QueueName.ACTIVE).size();
            for (QueueId id : queue.list(QueueName.DEFERRED)) {
                if (active >= activeLimit) {
                    return; // Postfix leaves them deferred until the active queue has room
                }
                try {
                    QueuedMessage message = queue.read(QueueName.DEFERRED, id);
                    if (message.nextAttempt() == null || !message.nextAttempt().isAfter(now)) {
                        queue.move(id, QueueName.DEFERRED, QueueName.ACTIVE);
                        active++;
                    }
                } catch (CorruptQueueFileException e) {
                    log.warning(id + ": corrupt queue file moved to corrupt/: " + e.getMessage());
                } catch (java.nio.file.NoSuchFileException e) {
                    // removed or moved by the administrator meanwhile
                }
            }
        } catch (IOException e) {
            log.warning("scan deferred queue: " + e.getMessage());
        }
    }
}
