package org.bulwark.util;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * When a periodic report last ran, and one run at a time across processes (the server's timer and
 * a reporting command): {@code NAME.last} holds the time of the last run, {@code NAME.lock} is
 * locked while one is under way. Both live in {@code data_directory}.
 */
public final class ReportSchedule {

    private static final Map<Path, ReentrantLock> RUN_LOCKS = new ConcurrentHashMap<>();
    /** How long a run waits for one under way elsewhere to finish. */
    private static final Duration LOCK_WAIT = Duration.ofSeconds(30);

    /** A run's body, called with the locks held. */
    @FunctionalInterface
    public interface Body<T> {
        T run() throws IOException;
    }

    private final LineHistory files;
    private final Path stamp;
    private final Path lockPath;
    private final Duration interval;
    private final Clock clock;

    /**
     * @param history  the history the reports are made of: its directory holds the stamp and the lock
     * @param name     the stamp's and lock's name ({@code dmarc.report})
     * @param interval how often reports go out
     */
    public ReportSchedule(LineHistory history, String name, Duration interval, Clock clock) {
        this.files = history;
        this.stamp = history.directory().resolve(name + ".last");
        this.lockPath = history.directory().resolve(name + ".lock");
        this.interval = interval;
        this.clock = clock;
    }

    public Duration interval() {
        return interval;
    }

    /** How long until the next report is due; zero when it is due now. */
    public Duration untilDue() {
        Instant last = lastRun();
        if (last == null) {
            return interval;
        }
        Duration left = Duration.between(clock.instant(), last.plus(interval));
        return left.isNegative() ? Duration.ZERO : left;
    }

    /**
     * Whether a run that is not forced should go ahead now. The first run of all only starts the
     * first interval (it writes the stamp and says no).
     */
    public boolean due(Instant now) throws IOException {
        Instant last = lastRun();
        if (last == null) {
            markRun(now);
            return false;
        }
        return !now.isBefore(last.plus(interval));
    }

    /** When the next run is due, for a "not due before" note. */
    public Instant nextRun(Instant now) {
        Instant last = lastRun();
        return (last == null ? now : last).plus(interval);
    }

    public Instant lastRun() {
        try {
            String text = Files.readString(stamp, StandardCharsets.US_ASCII).strip();
            return Instant.ofEpochMilli(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    public void markRun(Instant when) throws IOException {
        Path temporary = stamp.resolveSibling(stamp.getFileName() + ".tmp");
        Files.writeString(temporary, when.toEpochMilli() + "\n", StandardCharsets.US_ASCII);
        files.ownLikeDirectory(temporary);
        Files.move(temporary, stamp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Runs {@code body} while no other run of this report is under way, in this process or another;
     * waits up to 30 seconds for one to finish.
     *
     * @return the body's result, or empty when another run kept the lock
     */
    public <T> Optional<T> exclusively(Body<T> body) throws IOException {
        ReentrantLock inProcess = RUN_LOCKS.computeIfAbsent(lockPath, p -> new ReentrantLock());
        long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
        try {
            if (!inProcess.tryLock(LOCK_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return Optional.empty();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        try {
            files.ensureDirectory();
            try (FileChannel lockFile = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                files.ownLikeDirectory(lockPath);
                FileLock lock = lockFile.tryLock();
                // Another process (the server, or a second command) is reporting: wait a little for it.
                while (lock == null && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    lock = lockFile.tryLock();
                }
                if (lock == null) {
                    return Optional.empty();
                }
                try {
                    return Optional.of(body.run());
                } finally {
                    lock.release();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            inProcess.unlock();
        }
    }
}
