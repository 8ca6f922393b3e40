package org.bulwark.dns;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

/**
 * Answers kept for as long as their TTL allows: a positive answer for the smallest TTL of its
 * records (RFC 2181 §5.2 makes the TTLs of one set equal; the smallest is the safe reading), a
 * negative one (NXDOMAIN or NODATA) for the smaller of the SOA record's TTL and its MINIMUM field
 * (RFC 2308 §5), or not at all when the answer carries no SOA. Temporary failures are never kept:
 * the next question asks again. Least recently used entries leave first when the cache is full.
 */
final class DnsCache {

    /** Enough for the names a busy server meets in a few minutes; each entry is a few hundred bytes. */
    static final int DEFAULT_CAPACITY = 10_000;
    /** RFC 2308 §5 suggests one to three hours at most for negative answers; RFC 8767 §4 a day for any. */
    private static final long MAX_NEGATIVE_TTL = TimeUnit.HOURS.toSeconds(3);
    private static final long MAX_TTL = TimeUnit.DAYS.toSeconds(1);

    /** DNSSEC questions (AD/DO set) are kept apart: a plain answer says nothing about validation. */
    private record Key(String name, int type, boolean dnssec) {
    }

    private record Cached(DnsResult<Record> result, boolean authentic, long expiresNanos) {
    }

    /** An answer as kept: the result and whether the resolver vouched for it (the AD bit). */
    record Entry(DnsResult<Record> result, boolean authentic) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Key, Cached> entries;
    private final LongSupplier clock;

    /** @param clock {@link System#nanoTime} or a test's own */
    DnsCache(int capacity, LongSupplier clock) {
        this.clock = clock;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Cached> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The answer kept for this question, or null when there is none still fresh. */
    DnsResult<Record> get(String name, int type) {
        Entry entry = get(name, type, false);
        return entry == null ? null : entry.result();
    }

    /** The answer kept for a plain or a DNSSEC question, or null when there is none still fresh. */
    Entry get(String name, int type, boolean dnssec) {
        Key key = new Key(name.toLowerCase(Locale.ROOT), type, dnssec);
        lock.lock();
        try {
            Cached entry = entries.get(key);
            if (entry == null) {
                return null;
            }
            if (clock.getAsLong() - entry.expiresNanos() >= 0) {
                entries.remove(key);
                return null;
            }
            return new Entry(entry.result(), entry.authentic());
        } finally {
            lock.unlock();
        }
    }

    /** Keeps a found or not-found answer for as long as {@code response} allows. */
    void put(String name, int type, DnsResult<Record> result, Message response) {
        put(name, type, false, false, result, response);
    }

    /** As {@link #put(String, int, DnsResult, Message)}, for a plain or a DNSSEC question. */
    void put(String name, int type, boolean dnssec, boolean authentic, DnsResult<Record> result, Message response) {
        long ttl = switch (result) {
            case DnsResult.Found<Record> found -> found.values().stream().mapToLong(Record::getTTL).min().orElse(0);
            case DnsResult.NotFound<Record> none -> negativeTtl(response.getSection(Section.AUTHORITY));
            case DnsResult.TemporaryFailure<Record> failure -> 0;
        };
        ttl = Math.min(ttl, result.isFound() ? MAX_TTL : MAX_NEGATIVE_TTL);
        if (ttl <= 0) {
            return;
        }
        Key key = new Key(name.toLowerCase(Locale.ROOT), type, dnssec);
        long expires = clock.getAsLong() + TimeUnit.SECONDS.toNanos(ttl);
        lock.lock();
        try {
            entries.put(key, new Cached(result, authentic, expires));
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    private static long negativeTtl(List<Record> authority) {
        for (Record r : authority) {
            if (r instanceof SOARecord soa) {
                return Math.min(soa.getTTL(), soa.getMinimum());
            }
        }
        return 0;
    }
}
