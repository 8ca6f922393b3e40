package org.bulwark.log;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Events counted by name over the last minute and the last hour, for {@code bulwark status}: per
 * name a ring of one-second buckets covering an hour. A bucket remembers which second it counts,
 * so a bucket last used an hour or more ago reads as empty without a timer to clear it.
 */
public final class RecentCounts {

    static final int MINUTE = 60;
    static final int HOUR = 3600;

    /** One name's counts in the last minute, the last hour and since the daemon started. */
    public record Window(long lastMinute, long lastHour, long sinceStart) {
    }

    private final InstantSource clock;
    private final Map<String, Ring> rings = new ConcurrentHashMap<>();

    public RecentCounts(InstantSource clock) {
        this.clock = clock;
    }

    /** Counts one event named {@code name} now. */
    public void record(String name) {
        rings.computeIfAbsent(name, n -> new Ring()).add(clock.instant().getEpochSecond());
    }

    /** Every name counted since start, sorted, with its windows. */
    public Map<String, Window> windows() {
        long now = clock.instant().getEpochSecond();
        Map<String, Window> windows = new LinkedHashMap<>();
        rings.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> windows.put(e.getKey(), e.getValue().window(now)));
        return windows;
    }

    private static final class Ring {
        private final long[] seconds = new long[HOUR];
        private final long[] counts = new long[HOUR];
        private final ReentrantLock lock = new ReentrantLock();
        private long total;

        void add(long second) {
            int slot = (int) Math.floorMod(second, (long) HOUR);
            lock.lock();
            try {
                if (seconds[slot] != second) {
                    seconds[slot] = second;
                    counts[slot] = 0;
                }
                counts[slot]++;
                total++;
            } finally {
                lock.unlock();
            }
        }

        Window window(long now) {
            long minute = 0;
            long hour = 0;
            lock.lock();
            try {
                for (int slot = 0; slot < HOUR; slot++) {
                    long age = now - seconds[slot];
                    if (counts[slot] > 0 && age >= 0 && age < HOUR) {
                        hour += counts[slot];
                        if (age < MINUTE) {
                            minute += counts[slot];
                        }
                    }
                }
                return new Window(minute, hour, total);
            } finally {
                lock.unlock();
            }
        }
    }
}
