package org.bulwark.util;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A round of work run on its own virtual thread at once, then again each interval or as soon as
 * {@link #wake} is called, until {@link #stop}. A wake that comes while a round runs is not lost:
 * the next round starts without waiting. A round under way when the loop stops finishes first;
 * a long one can ask {@link #running} between its steps. A round that throws is reported and the
 * loop goes on after the interval: one bad round must not end the work for good, unseen.
 */
public final class WakeLoop {

    /** One round; {@code woken} says a {@link #wake} came since the last round, rather than the interval passing. */
    @FunctionalInterface
    public interface Round {
        void run(boolean woken);
    }

    private final Supplier<Duration> interval;
    private final Consumer<RuntimeException> failed;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeup = lock.newCondition();
    private boolean wakeRequested;
    private volatile boolean running = true;

    /**
     * A loop not yet started, so that its owner can keep it before the first round runs.
     *
     * @param name     the thread's name
     * @param interval the longest wait between rounds, asked again before each wait
     * @param failed   told of what a round threw (for the log)
     */
    public WakeLoop(String name, Supplier<Duration> interval, Round round, Consumer<RuntimeException> failed) {
        this.interval = interval;
        this.failed = failed;
        this.thread = Thread.ofVirtual().name(name).unstarted(() -> loop(round));
    }

    /** Runs the first round at once, on the loop's own thread. */
    public WakeLoop start() {
        thread.start();
        return this;
    }

    /** Asks for the next round now. */
    public void wake() {
        lock.lock();
        try {
            wakeRequested = true;
            wakeup.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** False once {@link #stop} was asked. */
    public boolean running() {
        return running;
    }

    /** Stops the loop and waits for the round under way, if any, to finish. */
    public void stop() {
        signalStop();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the loop and waits at most {@code grace} for the round under way. */
    public void stop(Duration grace) throws InterruptedException {
        signalStop();
        thread.join(grace.toMillis() + 1);
    }

    private void signalStop() {
        lock.lock();
        try {
            running = false;
            wakeup.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void loop(Round round) {
        boolean woken = false;
        while (running) {
            boolean threw = false;
            try {
                round.run(woken);
            } catch (RuntimeException e) {
                threw = true;
                failed.accept(e);
            }
            lock.lock();
            try {
                if (threw) {
                    // Wakes do not cut this wait short: the same failure would repeat at their rate.
                    long left = interval.get().toNanos();
                    while (running && left > 0) {
                        left = wakeup.awaitNanos(left);
                    }
                } else if (running && !wakeRequested) {
                    wakeup.await(interval.get().toMillis(), TimeUnit.MILLISECONDS);
                }
                woken = wakeRequested;
                wakeRequested = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }
}
