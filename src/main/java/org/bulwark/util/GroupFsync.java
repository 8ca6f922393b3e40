package org.bulwark.util;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Coalesces directory fsyncs: while one fsync of a directory runs, every caller that arrives
 * waits for the next one, which a single thread then does for all of them. A caller returns only
 * after an fsync that started after its call, so its earlier rename is covered.
 */
public final class GroupFsync {

    private final Path directory;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition finished = lock.newCondition();
    private long started;
    private long completed;
    private boolean running;

    public GroupFsync(Path directory) {
        this.directory = directory;
    }

    public void sync() throws IOException {
        lock.lock();
        try {
            long needed = started + 1;
            while (completed < needed) {
                if (running) {
                    finished.awaitUninterruptibly();
                    continue;
                }
                running = true;
                long generation = ++started;
                lock.unlock();
                try {
                    Fsync.directory(directory);
                } finally {
                    lock.lock();
                    running = false;
                    finished.signalAll();
                }
                completed = generation;
            }
        } finally {
            lock.unlock();
        }
    }
}
