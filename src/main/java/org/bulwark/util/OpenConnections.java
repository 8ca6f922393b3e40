package org.bulwark.util;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client connections a listening service has open, so that it can count them and, when it
 * stops, let them end on their own for a grace period before closing the rest.
 */
public final class OpenConnections {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ended = lock.newCondition();
    private final Set<Socket> open = new HashSet<>();

    public void add(Socket client) {
        lock.lock();
        try {
            open.add(client);
        } finally {
            lock.unlock();
        }
    }

    public void remove(Socket client) {
        lock.lock();
        try {
            open.remove(client);
            ended.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return open.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code grace} for the connections to end, closes those still open, then waits up
     * to {@code afterClose} for their owners to notice (and log their disconnect).
     */
    public void closeAll(Duration grace, Duration afterClose) throws InterruptedException {
        lock.lock();
        try {
            await(System.nanoTime() + grace.toNanos());
            for (Socket client : open) {
                try {
                    client.close();
                } catch (IOException e) {
                    // Closing is all we wanted.
                }
            }
            await(System.nanoTime() + afterClose.toNanos());
        } finally {
            lock.unlock();
        }
    }

    private void await(long deadline) throws InterruptedException {
        while (!open.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            ended.awaitNanos(left);
        }
    }
}
