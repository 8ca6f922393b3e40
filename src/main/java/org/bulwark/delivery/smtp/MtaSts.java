package org.bulwark.delivery.smtp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bulwark.dns.DnsResolver;
import org.bulwark.dns.DnsResult;

/**
 * Policy discovery for MTA-STS (RFC 8461 §3, §5): the {@code _mta-sts.<domain>} TXT record gives
 * the policy's id; a policy cached under the same id that has not expired is used as it is, a new
 * id fetches the policy again. When the TXT record is gone, or the lookup or the fetch fails, a
 * cached policy keeps applying until its max_age runs out; without one the mail goes as if the
 * domain had no policy. The outcome for a domain is remembered for {@code
 * smtp_mta_sts_refresh_interval}, so a run of messages costs one TXT lookup. Thread-safe: one
 * discovery per domain at a time.
 */
final class MtaSts {

    /** The policy that applies to the mail for one domain. */
    record Applied(String domain, MtaStsPolicy policy) {
        boolean enforce() {
            return policy.mode() == MtaStsPolicy.Mode.ENFORCE;
        }

        /** The policy as a TLS report names it: type sts, its lines and its mx patterns. */
        TlsReportPolicy reportPolicy() {
            return report(domain, policy);
        }
    }

    /** {@code policy} null: none could be had, so the report carries the type and domain alone. */
    static TlsReportPolicy report(String domain, MtaStsPolicy policy) {
        return policy == null ? TlsReportPolicy.sts(domain, List.of(), List.of())
                : TlsReportPolicy.sts(domain, policy.lines(), policy.mx());
    }

    /** What is known of a domain and when it was last checked; {@code entry} null: no policy. */
    private record Known(MtaStsCache.Entry entry, Instant checked) {
    }

    // RFC 8461 §3.1: v=STSv1, then fields delimited by ";" with optional white space; id is 1-32 alphanumerics.
    private static final Pattern TXT = Pattern.compile("v=STSv1(?:[ \\t]*;[ \\t]*[A-Za-z0-9_.-]+=[\\x21-\\x3a\\x3c\\x3e-\\x7e]*)+[ \\t]*;?[ \\t]*");
    private static final Pattern ID = Pattern.compile("(?:^|;)[ \\t]*id=([A-Za-z0-9]{1,32})[ \\t]*(?:;|$)");

    private static final Pattern HOST_NAME = Pattern.compile(
            "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");
    private static final int MEMORY_LIMIT = 10_000;

    private final DnsResolver dns;
    private final MtaStsFetcher fetcher;
    private final MtaStsCache cache;
    private final Duration refreshInterval;
    private final Clock clock;
    private final Consumer<String> warn;
    private final Consumer<String> info;
    private final TlsSessionReports reports;
    private final Map<String, Known> known = new ConcurrentHashMap<>();
    /** One discovery per domain at a time, without a lock object per domain ever seen. */
    private final ReentrantLock[] stripes = new ReentrantLock[64];

    MtaSts(DnsResolver dns, MtaStsFetcher fetcher, MtaStsCache cache, Duration refreshInterval, Clock clock,
            Consumer<String> warn, Consumer<String> info, TlsSessionReports reports) {
        this.info = info;
        this.dns = dns;
        this.fetcher = fetcher;
        this.cache = cache;
        this.refreshInterval = refreshInterval;
        this.clock = clock;
        this.warn = warn;
        this.reports = reports;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** The enforce or testing policy for mail to the domain, if it has one. */
    Optional<Applied> find(String domainName) {
        String domain = domainName.toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        if (!HOST_NAME.matcher(domain).matches()) {
            // An address literal or a name that is not LDH (an SMTPUTF8 domain) has no policy host to ask.
            return Optional.empty();
        }
        ReentrantLock lock = stripes[Math.floorMod(domain.hashCode(), stripes.length)];
        lock.lock();
        try {
            Instant now = clock.instant();
            Known k = known.get(domain);
            if (k == null || !now.isBefore(k.checked().plus(refreshInterval))) {
                Optional<MtaStsCache.Entry> cached = k != null ? Optional.ofNullable(k.entry()) : cache.read(domain);
                k = new Known(discover(domain, cached.filter(e -> !e.expired(now)).orElse(null), now), now);
                if (known.size() >= MEMORY_LIMIT) {
                    // What is older than the refresh interval would be looked up again anyway.
                    known.values().removeIf(old -> !now.isBefore(old.checked().plus(refreshInterval)));
                }
                known.put(domain, k);
            }
            MtaStsCache.Entry entry = k.entry();
            if (entry == null || entry.expired(now) || entry.policy().mode() == MtaStsPolicy.Mode.NONE) {
                return Optional.empty();
            }
            return Optional.of(new Applied(domain, entry.policy()));
        } finally {
            lock.unlock();
        }
    }

    /** The policy entry that holds now: the cached one, or a newly fetched one when the id changed. */
    private MtaStsCache.Entry discover(String domain, MtaStsCache.Entry cached, Instant now) {
        DnsResult<String> txt = dns.lookupTxt("_mta-sts." + domain);
        // RFC 8461 §3.1: records not beginning with v=STSv1 are discarded; other than one left is no record.
        List<String> records = txt.values().stream().filter(r -> r.startsWith("v=STSv1")).toList();
        if (records.size() != 1) {
            return cached;
        }
        Optional<String> id = id(records.get(0));
        if (id.isEmpty()) {
            return cached;
        }
        if (cached != null && cached.id().equals(id.get())) {
            return cached;
        }
        MtaStsPolicy policy;
        try {
            policy = MtaStsPolicy.parse(fetcher.fetch(domain));
        } catch (MtaStsFetcher.FetchFailure f) {
            failed(domain, cached, f.resultType(), f.getMessage());
            return cached;
        } catch (IllegalArgumentException e) {
            failed(domain, cached, TlsSessionReports.STS_POLICY_INVALID, SmtpTexts.stsPolicyInvalid(e.getMessage()));
            return cached;
        }
        MtaStsCache.Entry entry = new MtaStsCache.Entry(id.get(), now, policy);
        info.accept(SmtpTexts.stsPolicyFetched(domain, id.get(), policy));
        cache.write(domain, entry).ifPresent(warn);
        return entry;
    }

    private void failed(String domain, MtaStsCache.Entry cached, String resultType, String reason) {
        warn.accept(SmtpTexts.stsPolicyUnavailable(domain, reason, cached != null));
        // No session to an MX is concerned: the policy host failed, so mx-host and the addresses stay empty.
        reports.failure(domain, report(domain, cached == null ? null : cached.policy()), resultType, "", "", reason);
    }

    /** The id of a well-formed TXT record. */
    static Optional<String> id(String record) {
        if (!TXT.matcher(record).matches()) {
            return Optional.empty();
        }
        Matcher m = ID.matcher(record.substring("v=STSv1".length()));
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
