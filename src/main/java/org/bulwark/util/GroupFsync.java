package org.bulwark.util;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Coalesces directory fsyncs: while one fsync of a directory runs, every caller that arrives
 * waits for the next one, which a single thread then does for all of them. A caller returns only
 * after an fsync that started after its call, so its earlier rename is covered.
 *
 * <p>A change whose loss in a machine crash costs only a repeated delivery (removing a delivered
 * message) need not wait: {@link #syncSoon} leaves it to the next fsync of the directory, which a
 * commit usually brings within milliseconds, or to one done after a short delay. A caller that
 * must wait for durability but not at once (a delivery) can {@link #syncGathering}: it waits a
 * little before the fsync, so that those arriving meanwhile share it.
 */
public final class GroupFsync {

    private final Path directory;
    /** Whether the directory stays open between fsyncs; see {@link #keepingOpen}. */
    private final boolean keepOpen;
    /** The open directory, touched only by the thread whose fsync is running. */
    private FileChannel open;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition finished = lock.newCondition();
    /** Never signalled: a gathering caller waits on it for its time, the lock released meanwhile. */
    private final Condition gatheringTime = lock.newCondition();
    private long started;
    private long completed;
    private boolean running;
    /** A caller of {@link #syncGathering} is waiting for others to join its fsync. */
    private boolean gathering;
    /** The generation an fsync must reach to cover every {@link #syncSoon} call so far. */
    private long pending;
    private boolean flushScheduled;

    public GroupFsync(Path directory) {
        this(directory, false);
    }

    private GroupFsync(Path directory, boolean keepOpen) {
        this.directory = directory;
        this.keepOpen = keepOpen;
    }

    /**
     * For a directory that stays where it is while this process runs (a queue directory): opened
     * at its first fsync and kept open, which spares an open and a close per fsync. Not for a
     * directory that may be removed and made anew (a mailbox): its fsync would go to the old one.
     */
    public static GroupFsync keepingOpen(Path directory) {
        return new GroupFsync(directory, true);
    }

    public void sync() throws IOException {
        lock.lock();
        try {
            syncLocked(started + 1);
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@link #sync} for a caller that can wait a little, such as a delivery (never a client
     * waiting for its 250): when no fsync is running, this caller waits {@code gather} first,
     * and every caller of this method that arrives meanwhile is covered by the one fsync that
     * follows. A {@link #sync} call meanwhile does not wait for it.
     */
    public void syncGathering(Duration gather) throws IOException {
        boolean interrupted = false;
        lock.lock();
        try {
            long needed = started + 1;
            if (gathering) {
                while (gathering) {
                    finished.awaitUninterruptibly();
                }
            } else if (!running) {
                gathering = true;
                try {
                    long nanos = gather.toNanos();
                    while (nanos > 0) {
                        nanos = gatheringTime.awaitNanos(nanos);
                    }
                } catch (InterruptedException e) {
                    // Stopping: the fsync at once, and with the interrupt set aside, since a
                    // channel refuses to work on an interrupted thread and the caller's change
                    // is made already (for a delivery, a message linked into new/).
                    interrupted = true;
                } finally {
                    gathering = false;
                    // Those who joined wait for the end of it: an fsync done meanwhile (a plain
                    // sync's) may have covered everyone, and then no fsync will signal them.
                    finished.signalAll();
                }
            }
            syncLocked(needed);
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Returns once an fsync of generation {@code needed} or later has completed; the lock is held. */
    private void syncLocked(long needed) throws IOException {
        while (completed < needed) {
            if (running) {
                finished.awaitUninterruptibly();
                continue;
            }
            running = true;
            long generation = ++started;
            lock.unlock();
            try {
                force();
            } finally {
                lock.lock();
                running = false;
                finished.signalAll();
            }
            completed = generation;
        }
    }

    private void force() throws IOException {
        if (!keepOpen) {
            Fsync.directory(directory);
            return;
        }
        FileChannel channel = open;
        if (channel == null) {
            channel = FileChannel.open(directory, StandardOpenOption.READ);
            open = channel;
        }
        try {
            channel.force(true);
        } catch (IOException e) {
            // Closed by an interrupt, or failing: the next fsync opens the directory afresh.
            open = null;
            try {
                channel.close();
            } catch (IOException ignored) {
                // The fsync's own failure is the one to report.
            }
            throw e;
        }
    }

    /** A ticket for the changes made so far: {@link #covered} once an fsync that covers them is done. */
    public long ticket() {
        lock.lock();
        try {
            return started + 1;
        } finally {
            lock.unlock();
        }
    }

    /** Whether an fsync that started after {@link #ticket()} returned this ticket has completed. */
    public boolean covered(long ticket) {
        lock.lock();
        try {
            return completed >= ticket;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes the changes so far durable within {@code delay} without waiting for it: the next
     * {@link #sync} covers them, and if none comes, one runs after the delay. A failed delayed
     * fsync is not reported (the next sync of the directory reports its own).
     */
    public void syncSoon(Duration delay) {
        lock.lock();
        try {
            pending = Math.max(pending, started + 1);
            if (flushScheduled) {
                return;
            }
            flushScheduled = true;
        } finally {
            lock.unlock();
        }
        Thread.ofVirtual().name("fsync-soon").start(() -> flushAfter(delay));
    }

    private void flushAfter(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean needed;
        lock.lock();
        try {
            flushScheduled = false;
            needed = completed < pending;
        } finally {
            lock.unlock();
        }
        if (needed) {
            try {
                sync();
            } catch (IOException ignored) {
                // The directory is gone or failing: the next caller of sync() hears of it.
            }
        }
    }
}
