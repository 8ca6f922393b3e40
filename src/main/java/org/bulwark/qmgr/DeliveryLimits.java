package org.bulwark.qmgr;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.bulwark.config.Config;

/**
 * How much delivery runs at once, as Postfix's qmgr limits it: {@code default_process_limit}
 * deliveries overall, {@code default_destination_concurrency_limit} at once to one transport and
 * nexthop, and {@code default_destination_recipient_limit} recipients per delivery. A transport's
 * own {@code <transport>_destination_concurrency_limit} or {@code _recipient_limit} wins where set.
 */
final class DeliveryLimits {

    /** Postfix's defaults, used where the configuration gives no value. */
    private static final int PROCESS_LIMIT = 100;
    private static final int CONCURRENCY_LIMIT = 20;
    private static final int RECIPIENT_LIMIT = 50;

    private final Config config;
    private final Semaphore processes;
    private final Map<String, Semaphore> destinations = new ConcurrentHashMap<>();

    DeliveryLimits(Config config) {
        this.config = config;
        this.processes = new Semaphore(positive("default_process_limit", PROCESS_LIMIT));
    }

    /** Zero means no limit, as in Postfix. */
    int recipientLimit(String transport) {
        String own = transport + "_destination_recipient_limit";
        String name = config.isSet(own) ? own : "default_destination_recipient_limit";
        String value = config.get(name).trim();
        int limit = value.isEmpty() ? RECIPIENT_LIMIT : Integer.parseInt(value);
        return limit <= 0 ? Integer.MAX_VALUE : limit;
    }

    /** Blocks until this destination and the whole system have room for one more delivery. */
    AutoCloseable acquire(String transport, String nexthop) throws InterruptedException {
        Semaphore destination = destinations.computeIfAbsent(transport + ":" + nexthop,
                k -> new Semaphore(perTransport(transport, "_destination_concurrency_limit", CONCURRENCY_LIMIT)));
        destination.acquire();
        try {
            processes.acquire();
        } catch (InterruptedException e) {
            destination.release();
            throw e;
        }
        return () -> {
            processes.release();
            destination.release();
        };
    }

    private int perTransport(String transport, String suffix, int fallback) {
        String own = transport + suffix;
        return config.isSet(own) ? positive(own, fallback) : positive("default" + suffix, fallback);
    }

    /** A value below one is taken as one: a destination always gets at least one delivery at a time. */
    private int positive(String name, int fallback) {
        String value = config.get(name).trim();
        if (value.isEmpty()) {
            return fallback;
        }
        return Math.max(1, Integer.parseInt(value));
    }
}
