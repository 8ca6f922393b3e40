package org.bulwark.log;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Events counted by name over the last minute and the last hour, for {@code bulwark status}: per
 * name a ring of 60 one-second buckets and a ring of 60 one-minute buckets (so the hour is counted
 * to the minute). A bucket remembers which second or minute it counts, so a stale bucket reads as
 * empty without a timer to clear it.
 */
public final class RecentCounts {

    static final int MINUTE = 60;
    static final int HOUR = 3600;
    /** Names beyond this many are counted under the caller's overflow name: reject texts can vary without end. */
    static final int MAX_NAMES = 500;

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
        record(name, name);
    }

    /** Counts one event named {@code name} now, or under {@code overflow} once there are too many names. */
    public void record(String name, String overflow) {
        String counted = rings.size() >= MAX_NAMES && !rings.containsKey(name) ? overflow : name;
        rings.computeIfAbsent(counted, n -> new Ring()).add(clock.instant().getEpochSecond());
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
        private final long[] seconds = new long[MINUTE];
        private final long[] perSecond = new long[MINUTE];
        private final long[] minutes = new long[HOUR / MINUTE];
        private final long[] perMinute = new long[HOUR / MINUTE];
        private final ReentrantLock lock = new ReentrantLock();
        private long total;

        void add(long second) {
            long minute = Math.floorDiv(second, MINUTE);
            int s = (int) Math.floorMod(second, (long) MINUTE);
            int m = (int) Math.floorMod(minute, (long) perMinute.length);
            lock.lock();
            try {
                if (seconds[s] != second) {
                    seconds[s] = second;
                    perSecond[s] = 0;
                }
                perSecond[s]++;
                if (minutes[m] != minute) {
                    minutes[m] = minute;
                    perMinute[m] = 0;
                }
                perMinute[m]++;
                total++;
            } finally {
                lock.unlock();
            }
        }

        Window window(long now) {
            long nowMinute = Math.floorDiv(now, MINUTE);
            long lastMinute = 0;
            long lastHour = 0;
            lock.lock();
            try {
                for (int i = 0; i < MINUTE; i++) {
                    long age = now - seconds[i];
                    if (age >= 0 && age < MINUTE) {
                        lastMinute += perSecond[i];
                    }
                }
                for (int i = 0; i < perMinute.length; i++) {
                    long age = nowMinute - minutes[i];
                    if (age >= 0 && age < perMinute.length) {
                        lastHour += perMinute[i];
                    }
                }
                return new Window(lastMinute, lastHour, total);
            } finally {
                lock.unlock();
            }
        }
    }
}
