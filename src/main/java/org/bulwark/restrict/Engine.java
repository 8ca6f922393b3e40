package org.bulwark.restrict;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.bulwark.log.MailLog;

/**
 * The parts of a parsed configuration that every evaluation shares: settings, tables, the
 * restriction classes, and the parsed form of restriction lists found in access tables.
 * Immutable once built except for two caches; safe to use from many sessions at once.
 */
final class Engine {

    final Settings settings;
    final Environment environment;
    final Destinations destinations;
    final SenderLogins senderLogins;
    final Map<String, List<Restriction>> classes;
    final ClientCertificateChecks clientCertificates;
    private final List<org.bulwark.table.LookupTable> rblReplyMaps;
    private final RestrictionParser parser;
    private final MailLog.Logger logger;
    private final Map<String, List<Restriction>> accessValues = new ConcurrentHashMap<>();
    private final Set<String> warnedOnce = ConcurrentHashMap.newKeySet();
    private final ReentrantLock parseLock = new ReentrantLock();

    Engine(Settings settings, Environment environment, Map<String, List<Restriction>> classes,
            RestrictionParser parser, MailLog.Logger logger, ClientCertificateChecks clientCertificates) {
        this.settings = settings;
        this.environment = environment;
        this.destinations = new Destinations(settings, environment);
        this.senderLogins = new SenderLogins(settings, environment, destinations);
        this.classes = classes;
        this.clientCertificates = clientCertificates;
        this.rblReplyMaps = settings.dns().rblReplyMaps().stream().map(environment.tables()).toList();
        this.parser = parser;
        this.logger = logger;
    }

    /**
     * A restriction list written as an access table value, parsed on first use; null when it
     * names an unknown restriction (the caller answers with a configuration error).
     */
    List<Restriction> accessValue(String value) {
        List<Restriction> parsed = accessValues.get(value);
        if (parsed != null) {
            return parsed;
        }
        parseLock.lock();
        try {
            parsed = parser.parseAccessValue(value);
            if (parsed != null) {
                accessValues.put(value, parsed);
            }
            return parsed;
        } finally {
            parseLock.unlock();
        }
    }

    /** rbl_reply_maps, opened with the configuration. */
    List<org.bulwark.table.LookupTable> rblReplyMaps() {
        return rblReplyMaps;
    }

    void info(String message) {
        if (logger != null) {
            logger.info(message);
        }
    }

    void warn(String message) {
        if (logger != null) {
            logger.warning(message);
        }
    }

    void warnOnce(String message) {
        if (warnedOnce.add(message)) {
            warn(message);
        }
    }
}
