package org.bulwark.delivery.smtp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Idle connections kept for the next message to the same destination (Postfix's scache):
 * a connection waits at most {@code smtp_connection_cache_time_limit} and is used for at most
 * {@code smtp_connection_reuse_time_limit} after it was opened. Closing happens outside the lock.
 */
final class ConnectionCache implements AutoCloseable {

    private record Idle(SmtpConnection connection, Instant since) {
    }

    private final Duration idleLimit;
    private final Duration reuseLimit;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Deque<Idle>> idle = new HashMap<>();
    private boolean closed;

    ConnectionCache(Duration idleLimit, Duration reuseLimit, Clock clock) {
        this.idleLimit = idleLimit;
        this.reuseLimit = reuseLimit;
        this.clock = clock;
        Thread.ofVirtual().name("smtp-connection-cache").start(this::sweepPeriodically);
    }

    /** A cached connection for the destination (a nexthop), checked with RSET; or null. */
    SmtpConnection take(String destination) {
        while (true) {
            Idle candidate;
            lock.lock();
            try {
                Deque<Idle> list = idle.get(destination);
                candidate = list == null ? null : list.pollFirst();
            } finally {
                lock.unlock();
            }
            if (candidate == null) {
                return null;
            }
            if (fresh(candidate, clock.instant()) && candidate.connection().reset()) {
                return candidate.connection();
            }
            candidate.connection().close();
        }
    }

    /** Keeps a connection that finished a transaction cleanly; closes it if the cache is shut. */
    void put(String destination, SmtpConnection connection) {
        lock.lock();
        try {
            if (!closed && Duration.between(connection.opened(), clock.instant()).compareTo(reuseLimit) < 0) {
                idle.computeIfAbsent(destination, k -> new ArrayDeque<>()).addFirst(new Idle(connection, clock.instant()));
                return;
            }
        } finally {
            lock.unlock();
        }
        connection.close();
    }

    int idleCount() {
        lock.lock();
        try {
            return idle.values().stream().mapToInt(Deque::size).sum();
        } finally {
            lock.unlock();
        }
    }

    private boolean fresh(Idle i, Instant now) {
        return Duration.between(i.since(), now).compareTo(idleLimit) < 0
                && Duration.between(i.connection().opened(), now).compareTo(reuseLimit) < 0;
    }

    private void sweepPeriodically() {
        while (true) {
            try {
                Thread.sleep(Math.max(100, Math.min(1000, idleLimit.toMillis())));
            } catch (InterruptedException e) {
                return;
            }
            if (!sweep()) {
                return;
            }
        }
    }

    /** Closes connections idle too long; false once the cache is closed. */
    private boolean sweep() {
        List<SmtpConnection> expired = new ArrayList<>();
        Instant now = clock.instant();
        lock.lock();
        try {
            for (Deque<Idle> list : idle.values()) {
                list.removeIf(i -> {
                    if (!fresh(i, now)) {
                        expired.add(i.connection());
                        return true;
                    }
                    return false;
                });
            }
        } finally {
            lock.unlock();
        }
        expired.forEach(SmtpConnection::close);
        lock.lock();
        try {
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        List<SmtpConnection> all = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            idle.values().forEach(list -> list.forEach(i -> all.add(i.connection())));
            idle.clear();
        } finally {
            lock.unlock();
        }
        all.forEach(SmtpConnection::close);
    }
}
