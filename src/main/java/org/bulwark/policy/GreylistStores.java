package org.bulwark.policy;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One store per {@code greylist_database} in a process, so that every smtpd service (and every
 * restriction list) of a node sees the same greylist, and a file has one writer.
 */
public final class GreylistStores {

    private static final Map<String, GreylistStore> OPEN = new ConcurrentHashMap<>();

    private GreylistStores() {
    }

    public static GreylistStore shared(String spec, Path relativeTo) {
        String key = spec.startsWith("redis") || spec.equals("memory:") ? spec
                : relativeTo.resolve(spec.startsWith("file:") ? spec.substring(5) : spec).toAbsolutePath().toString();
        if (spec.equals("memory:")) {
            return GreylistStore.open(spec, relativeTo);
        }
        return OPEN.computeIfAbsent(key, k -> GreylistStore.open(spec, relativeTo));
    }
}
