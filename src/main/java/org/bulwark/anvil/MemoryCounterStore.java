package org.bulwark.anvil;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counters of one node in memory. Counters are short-lived (one rate time unit), so unlike the
 * greylist they need no file: a restart forgets them, as restarting Postfix's anvil does.
 */
final class MemoryCounterStore implements CounterStore {

    private record Window(long start, long count) { }

    private static final int SWEEP_EVERY = 10_000;

    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final Map<String, Long> open = new ConcurrentHashMap<>();
    private long events;

    @Override
    public long countEvent(String key, Duration unit) {
        long now = System.nanoTime();
        long length = unit.toNanos();
        Window w = windows.compute(key, (k, old) ->
                old == null || now - old.start() >= length ? new Window(now, 1) : new Window(old.start(), old.count() + 1));
        if (++events % SWEEP_EVERY == 0) {
            windows.values().removeIf(x -> now - x.start() >= length);
        }
        return w.count();
    }

    @Override
    public long connect(String key) {
        return open.merge(key, 1L, Long::sum);
    }

    @Override
    public void disconnect(String key) {
        open.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    @Override
    public void close() {
        windows.clear();
        open.clear();
    }
}
