package org.bulwark.qmgr;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.bulwark.config.Config;

/**
 * How much delivery runs at once, as Postfix's qmgr limits it: {@code default_process_limit}
 * deliveries overall, and per transport and nexthop a window that starts at
 * {@code initial_destination_concurrency}, grows with each delivery that reached the destination
 * (positive feedback) up to {@code <transport>_destination_concurrency_limit}, and shrinks with each
 * that did not (negative feedback). A destination whose window falls below one for
 * {@code default_destination_concurrency_failed_cohort_limit} failures in a row is dead: its mail
 * is deferred without a try until {@code minimal_backoff_time} has passed (Postfix's
 * "delivery temporarily suspended"), so a dead site costs others nothing.
 */
final class DeliveryLimits {

    /** Postfix's defaults, used where the configuration gives no value. */

    /** A delivery slot; {@link #close} releases it. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    private final Config config;
    private final Semaphore processes;
    private final Map<String, Window> destinations = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration suspension;

    DeliveryLimits(Config config) {
        this(config, Clock.systemUTC());
    }

    DeliveryLimits(Config config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.processes = new Semaphore(positive("default_process_limit"));
        this.suspension = config.time("minimal_backoff_time");
    }

    /** Zero means no limit, as in Postfix. */
    int recipientLimit(String transport) {
        int limit = config.integer(perTransport(transport, "_destination_recipient_limit"));
        return limit <= 0 ? Integer.MAX_VALUE : limit;
    }

    /** Why the destination is suspended, or null when it may be tried. */
    String suspended(String transport, String nexthop) {
        return window(transport, nexthop).suspendedReason(clock.instant());
    }

    /** Blocks until this destination's window and the whole system have room for one more delivery. */
    Slot acquire(String transport, String nexthop) throws InterruptedException {
        Window window = window(transport, nexthop);
        window.enter();
        try {
            processes.acquire();
        } catch (InterruptedException e) {
            window.leave();
            throw e;
        }
        return () -> {
            processes.release();
            window.leave();
        };
    }

    /** Feedback from one delivery: did it reach the destination? */
    void feedback(String transport, String nexthop, boolean reached, String reason) {
        window(transport, nexthop).feedback(reached, reason, clock.instant());
    }

    /** The current window of a destination (for tests and status). */
    double windowSize(String transport, String nexthop) {
        return window(transport, nexthop).size();
    }

    private Window window(String transport, String nexthop) {
        return destinations.computeIfAbsent(transport + ":" + nexthop, k -> new Window(
                positive(perTransport(transport, "_destination_concurrency_limit")),
                positive("initial_destination_concurrency"),
                feedback(transport, "_destination_concurrency_positive_feedback"),
                feedback(transport, "_destination_concurrency_negative_feedback"),
                positive(perTransport(transport, "_destination_concurrency_failed_cohort_limit"))));
    }

    /** {@code 1} or {@code 1/concurrency} (Postfix's two useful forms); true for the latter. */
    private boolean feedback(String transport, String suffix) {
        return config.get(perTransport(transport, suffix)).trim().toLowerCase(java.util.Locale.ROOT).startsWith("1/");
    }

    /** The transport's own parameter ({@code smtp_destination_concurrency_limit}) when set, else the default_ one. */
    private String perTransport(String transport, String suffix) {
        String own = transport + suffix;
        return config.isSet(own) ? own : "default" + suffix;
    }

    /** A value below one is taken as one: a destination always gets at least one delivery at a time. */
    private int positive(String name) {
        return Math.max(1, config.integer(name));
    }

    /** One destination's concurrency window and failure count. */
    private final class Window {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition room = lock.newCondition();
        private final int limit;
        private final boolean positivePerWindow;
        private final boolean negativePerWindow;
        private final int cohortLimit;
        private double size;
        private int active;
        private int failures;
        private Instant deadUntil = Instant.MIN;
        private String deadReason;

        Window(int limit, int initial, boolean positivePerWindow, boolean negativePerWindow, int cohortLimit) {
            this.limit = limit;
            this.size = Math.min(limit, initial);
            this.positivePerWindow = positivePerWindow;
            this.negativePerWindow = negativePerWindow;
            this.cohortLimit = cohortLimit;
        }

        void enter() throws InterruptedException {
            lock.lock();
            try {
                while (active >= Math.max(1, (int) Math.floor(size))) {
                    room.await();
                }
                active++;
            } finally {
                lock.unlock();
            }
        }

        void leave() {
            lock.lock();
            try {
                active--;
                room.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void feedback(boolean reached, String reason, Instant now) {
            lock.lock();
            try {
                if (reached) {
                    failures = 0;
                    size = Math.min(limit, size + (positivePerWindow ? 1 / Math.max(1, size) : 1));
                } else {
                    size -= negativePerWindow ? 1 / Math.max(1, size) : 1;
                    if (size < 1) {
                        size = 1;
                        failures++;
                        if (failures >= cohortLimit) {
                            deadUntil = now.plus(suspension);
                            deadReason = reason;
                        }
                    }
                }
                room.signalAll();
            } finally {
                lock.unlock();
            }
        }

        String suspendedReason(Instant now) {
            lock.lock();
            try {
                if (now.isBefore(deadUntil)) {
                    return deadReason;
                }
                if (deadReason != null) {
                    // The suspension is over: one delivery probes the destination again.
                    deadReason = null;
                    failures = 0;
                }
                return null;
            } finally {
                lock.unlock();
            }
        }

        double size() {
            lock.lock();
            try {
                return size;
            } finally {
                lock.unlock();
            }
        }
    }
}
