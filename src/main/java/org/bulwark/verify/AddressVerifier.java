package org.bulwark.verify;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.mail.MailAddress;
import org.bulwark.policy.GreylistStore;
import org.bulwark.policy.GreylistStores;

/**
 * The verify(8) service of one node: answers queries from the cache, queues a probe when an answer
 * is missing or due for a refresh, and takes the probes' results. The rules are Postfix's: a probe
 * is taken as lost after 1000 seconds; an entry expires after its expire time and is probed again
 * after its refresh time, keeping its answer meanwhile; a failed probe never replaces a good
 * answer; with {@code address_verify_negative_cache = no} only good answers are kept.
 *
 * <p>Thread-safe. Queries on one node are serialised, so that one address gets one probe; nodes
 * that share a Redis cache may each probe an address once.
 */
public final class AddressVerifier implements AutoCloseable {

    /** Postfix's PROBE_TTL: a probe that brought no answer in this time is sent again. */
    static final long PROBE_TTL = 1000;
    private static final String REDIS_PREFIX = "bulwark:verify:";

    /** What is known of an address, and the text smtpd quotes. */
    public record Answer(VerifyStatus status, String text) {
    }

    private final VerifySettings settings;
    /** Opened on first use, as Postfix starts verify(8) when smtpd first asks: a stock master.cf line costs nothing. */
    private GreylistStore store;
    private final ProbeSubmitter probes;
    private final MailLog.Logger log;
    private final Clock clock;
    /** Counts the answers taken, so that a wait does not miss one that came while it asked. */
    private long updates;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition answered = lock.newCondition();
    private final Condition stopped = lock.newCondition();
    /** Probes this node sent and has no answer for yet, by cache key, with when they were sent. */
    private final Map<String, Long> pending = new HashMap<>();
    private boolean warnedLimit;

    private boolean closed;

    private AddressVerifier(VerifySettings settings, ProbeSubmitter probes, MailLog.Logger log, Clock clock) {
        this.settings = settings;
        this.probes = probes;
        this.log = log;
        this.clock = clock;
    }

    /**
     * The verify service of a configuration: its cache opened (a file or a Redis connection shared
     * with any other user of the same {@code address_verify_map} in this process).
     *
     * @throws org.bulwark.config.ConfigException for an {@code address_verify_map} or sender Bulwark cannot use
     */
    public static AddressVerifier open(Config config, ProbeSubmitter probes, MailLog.Logger log) {
        return open(config, probes, log, Clock.systemUTC());
    }

    static AddressVerifier open(Config config, ProbeSubmitter probes, MailLog.Logger log, Clock clock) {
        AddressVerifier verifier = new AddressVerifier(VerifySettings.from(config), probes, log, clock);
        verifier.startCleanup();
        return verifier;
    }

    /**
     * address_verify_cache_cleanup_interval (0: never): expired entries leave the cache, and the
     * file is rewritten without them, as Postfix's cache cleanup thread does.
     */
    private void startCleanup() {
        Duration interval = settings.cleanupInterval();
        if (interval.isZero() || interval.isNegative()) {
            return;
        }
        Thread.ofVirtual().name("verify-cache-cleanup").start(() -> {
            long next = System.nanoTime() + interval.toNanos();
            while (true) {
                lock.lock();
                try {
                    for (long left = next - System.nanoTime(); !closed && left > 0; left = next - System.nanoTime()) {
                        stopped.await(left, TimeUnit.NANOSECONDS);
                    }
                    if (closed) {
                        return;
                    }
                    next = System.nanoTime() + interval.toNanos();
                    if (store != null) {
                        int[] counts = store.cleanup();
                        if (counts != null) {
                            log.info(VerifyTexts.cleanup(settings.mapName(), counts[0], counts[1]));
                        }
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warning(VerifyTexts.cleanupFailed(settings.mapName(), String.valueOf(e.getMessage())));
                } finally {
                    lock.unlock();
                }
            }
        });
    }

    /** The cache, opened at the first question; the caller holds the lock. */
    private GreylistStore store() {
        if (closed) {
            throw new IllegalStateException("the verify service is closed");
        }
        if (store == null) {
            // No outage lines of the greylist's wording: a failed question is logged as verify's own failure.
            store = GreylistStores.acquire(settings.store(), Path.of(settings.dataDirectory()), REDIS_PREFIX,
                    org.bulwark.util.RedisConnection.Outages.SILENT);
        }
        return store;
    }

    /** The sender of the next probe: {@code address_verify_sender}, made time-dependent by its TTL. */
    public MailAddress probeSender() {
        return probeSender(settings, clock);
    }

    /**
     * smtpd's question (Postfix's reject_unverified_address loop): asks up to
     * {@code address_verify_poll_count} times, {@code address_verify_poll_delay} apart, while the
     * answer is "in progress"; an answer that arrives on this node in between ends the wait early.
     *
     * @throws RuntimeException when the cache cannot be read: the caller answers "address verification problem"
     */
    public Answer await(MailAddress address) throws InterruptedException {
        long deadline = System.nanoTime() + settings.pollDelay().toNanos() * (settings.pollCount() - 1);
        while (true) {
            long seen;
            lock.lock();
            try {
                seen = updates;
            } finally {
                lock.unlock();
            }
            Answer answer = query(address);
            long left = deadline - System.nanoTime();
            if (answer.status() != VerifyStatus.TODO || left <= 0) {
                return answer;
            }
            lock.lock();
            try {
                if (updates == seen) {
                    answered.await(Math.min(left, settings.pollDelay().toNanos()), TimeUnit.NANOSECONDS);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** One query (verify(8)'s "query" request): the cached answer, with a probe queued when one is due. */
    public Answer query(MailAddress address) {
        String key = key(address);
        long now = clock.instant().getEpochSecond();
        Answer answer;
        boolean probe;
        lock.lock();
        try {
            String raw = store().get(key).orElse(null);
            VerifyEntry entry = raw == null ? null : VerifyEntry.parse(raw);
            if (raw != null && entry == null) {
                log.warning(VerifyTexts.badEntry(raw));
            }
            if (entry == null || now - entry.probed() > PROBE_TTL && expired(entry, now)) {
                if (raw != null && !settings.negativeCache()) {
                    store().put(key, raw, Duration.ofMillis(1)); // Postfix deletes the stale entry
                }
                entry = new VerifyEntry(VerifyStatus.TODO, 0, 0, VerifyTexts.IN_PROGRESS);
            }
            answer = new Answer(entry.status(), entry.text());
            probe = now - entry.probed() > PROBE_TTL && refreshNeeded(entry, now) && reserve(key, now);
            if (probe && (entry.updated() != 0 || settings.negativeCache())) {
                // Marked before the probe is queued, so that its result, however quick, comes after the mark.
                VerifyEntry marked = new VerifyEntry(entry.status(), now, entry.updated(), entry.text());
                store().put(key, marked.format(), timeToLive(marked, now));
            }
        } finally {
            lock.unlock();
        }
        if (probe) {
            // Queued outside the lock: other sessions' questions do not wait for this one's queue file.
            send(key, address);
        }
        return answer;
    }

    /**
     * A probe's result for one address (verify(8)'s "update" request, as verify_append makes it).
     * Returns the status word of the delivery agent's log line: {@code deliverable},
     * {@code undeliverable}, or {@code undeliverable-but-not-cached} without a negative cache.
     */
    public String update(MailAddress address, VerifyStatus status, String text) {
        if (status != VerifyStatus.OK && !settings.negativeCache()) {
            forget(key(address));
            return "undeliverable-but-not-cached";
        }
        String key = key(address);
        long now = clock.instant().getEpochSecond();
        lock.lock();
        try {
            String raw = store().get(key).orElse(null);
            VerifyEntry old = raw == null ? null : VerifyEntry.parse(raw);
            // A failed probe does not clobber a good answer before it expires; the next query probes again.
            if (status == VerifyStatus.OK || old == null || old.status() != VerifyStatus.OK) {
                VerifyEntry entry = new VerifyEntry(status, 0, now, text);
                store().put(key, entry.format(), timeToLive(entry, now));
            }
            pending.remove(key);
            updates++;
            answered.signalAll();
        } finally {
            lock.unlock();
        }
        return status.logName();
    }

    private void forget(String key) {
        lock.lock();
        try {
            pending.remove(key);
            updates++;
            answered.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Counts a probe against address_verify_pending_request_limit; false when the limit is reached. */
    private boolean reserve(String key, long now) {
        pending.values().removeIf(sent -> now - sent > PROBE_TTL);
        if (settings.pendingLimit() > 0 && pending.size() >= settings.pendingLimit() && !pending.containsKey(key)) {
            if (!warnedLimit) {
                log.warning(VerifyTexts.pendingLimit(settings.pendingLimit()));
                warnedLimit = true;
            }
            return false;
        }
        warnedLimit = false;
        pending.put(key, now);
        return true;
    }

    /**
     * Queues the probe. A probe that cannot be queued leaves the address "in progress" until the
     * probe is taken as lost (1000 seconds), as in Postfix, whose verify(8) marks it either way.
     */
    private void send(String key, MailAddress address) {
        try {
            probes.submit(probeSender(), address);
        } catch (java.io.IOException | RuntimeException e) {
            log.warning(VerifyTexts.probeFailed(address.external(), String.valueOf(e.getMessage())));
            lock.lock();
            try {
                pending.remove(key);
            } finally {
                lock.unlock();
            }
        }
    }

    private boolean expired(VerifyEntry e, long now) {
        return e.status() == VerifyStatus.OK ? e.updated() + settings.positiveExpire().toSeconds() < now
                : e.updated() + settings.negativeExpire().toSeconds() < now;
    }

    private boolean refreshNeeded(VerifyEntry e, long now) {
        return e.status() == VerifyStatus.OK ? e.updated() + settings.positiveRefresh().toSeconds() < now
                : e.updated() + settings.negativeRefresh().toSeconds() < now;
    }

    /** The store forgets an entry once it is expired and no probe for it is out (Postfix's cache cleanup). */
    private Duration timeToLive(VerifyEntry e, long now) {
        long expires = e.updated() == 0 ? 0 : e.updated()
                + (e.status() == VerifyStatus.OK ? settings.positiveExpire() : settings.negativeExpire()).toSeconds();
        long until = Math.max(expires, e.probed() + PROBE_TTL);
        return Duration.ofSeconds(Math.max(1, until - now + 1));
    }

    /** Postfix neuters ':' in keys (address literals); the domain's case does not matter. */
    private static String key(MailAddress address) {
        String internal = address.internal();
        int at = internal.lastIndexOf('@');
        String k = at < 0 ? internal : internal.substring(0, at) + internal.substring(at).toLowerCase(java.util.Locale.ROOT);
        return k.replace(':', '_');
    }

    /**
     * Postfix's make_verify_sender_addr: empty or {@code <>} is the null sender; with a TTL the
     * local part gets the time divided by it, in base 31, so that replies to old probes can be told
     * apart; without a domain, {@code @$myorigin}.
     */
    private static MailAddress probeSender(VerifySettings settings, Clock clock) {
        String s = settings.sender();
        if (s.isEmpty() || s.equals("<>")) {
            return MailAddress.of("");
        }
        int at = s.lastIndexOf('@');
        String local = at < 0 ? s : s.substring(0, at);
        String domain = at < 0 ? settings.myorigin() : s.substring(at + 1);
        long ttl = settings.senderTtl().toSeconds();
        if (ttl > 0) {
            local += Long.toString(clock.instant().getEpochSecond() / ttl, 31);
        }
        return MailAddress.of(domain.isEmpty() ? local : local + "@" + domain);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            stopped.signalAll();
            if (store != null) {
                store.close();
                store = null;
            }
        } finally {
            lock.unlock();
        }
    }
}
