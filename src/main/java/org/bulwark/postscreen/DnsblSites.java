package org.bulwark.postscreen;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bulwark.config.ConfigException;
import org.bulwark.dns.DnsResolver;
import org.bulwark.dns.DnsResult;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.bulwark.restrict.DnsLists;
import org.bulwark.table.LookupTable;

/**
 * postscreen_dnsbl_sites: DNS block and allow lists with reply filters and weights
 * ({@code zen.example=127.0.0.[2..11]*3}, {@code list.dnswl.example=127.0.[0..255].[1..3]*-5}).
 * Each list domain is asked once per client, all domains at once on virtual threads; a client's
 * score is the sum of the weights of the entries whose filter its answers pass.
 */
final class DnsblSites {

    /** One {@code domain[=filter][*weight]} entry. */
    record Site(DnsLists.ListSpec list, int weight) {
    }

    /**
     * The total, the list that added the most (named in the reply), and the shortest TTL of the
     * answers that counted ({@code failTtl}) and of those that did not ({@code passTtl}), in
     * seconds, {@link Long#MAX_VALUE} when no answer said (a list that does not list the client).
     */
    record Score(int total, String listName, long failTtl, long passTtl) {
        static final Score NONE = new Score(0, null, Long.MAX_VALUE, Long.MAX_VALUE);

        /** How long this verdict holds, as the DNS answers say, within postscreen_dnsbl_min_ttl and _max_ttl. */
        long ttl(Duration min, Duration max) {
            long ttl = Math.min(total > 0 ? failTtl : passTtl, max.toSeconds());
            return Math.max(ttl, min.toSeconds());
        }
    }

    /** Entries by domain, so that several filters on one list cost one query. */
    private final Map<String, List<Site>> byDomain;
    private final LookupTable replyMap;

    private DnsblSites(Map<String, List<Site>> byDomain, LookupTable replyMap) {
        this.byDomain = byDomain;
        this.replyMap = replyMap;
    }

    static DnsblSites parse(List<String> items, LookupTable replyMap) {
        Map<String, List<Site>> byDomain = new LinkedHashMap<>();
        for (String item : items) {
            String spec = item;
            int weight = 1;
            int star = item.lastIndexOf('*');
            if (star >= 0) {
                try {
                    weight = Integer.parseInt(item.substring(star + 1).strip());
                } catch (NumberFormatException e) {
                    throw new ConfigException(PostscreenTexts.badDnsblSite(item));
                }
                spec = item.substring(0, star);
            }
            if (spec.isBlank()) {
                throw new ConfigException(PostscreenTexts.badDnsblSite(item));
            }
            DnsLists.ListSpec list = DnsLists.ListSpec.parse("postscreen_dnsbl_sites", spec);
            byDomain.computeIfAbsent(list.domain(), d -> new ArrayList<>()).add(new Site(list, weight));
        }
        return new DnsblSites(byDomain, replyMap);
    }

    boolean isEmpty() {
        return byDomain.isEmpty();
    }

    /**
     * Starts every list's query for {@code client}; the answer completes when all have answered
     * or {@code timeout} has passed, counting only the lists that answered in time.
     */
    CompletableFuture<Score> query(DnsResolver dns, InetAddress client, Duration timeout) {
        List<CompletableFuture<Score>> parts = new ArrayList<>();
        for (Map.Entry<String, List<Site>> e : byDomain.entrySet()) {
            CompletableFuture<Score> part = new CompletableFuture<>();
            Thread.ofVirtual().name("postscreen-dnsbl").start(() -> {
                try {
                    part.complete(score(e.getKey(), e.getValue(),
                            dns.lookup(DnsResolver.dnsblName(client, e.getKey()), Type.A)));
                } catch (RuntimeException ex) {
                    part.complete(Score.NONE);
                }
            });
            parts.add(part.completeOnTimeout(Score.NONE, timeout.toMillis(), TimeUnit.MILLISECONDS));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(done -> sum(parts.stream().map(CompletableFuture::join).toList()));
    }

    /** One domain's contribution: each entry whose filter one of the answers passes adds its weight. */
    private Score score(String domain, List<Site> sites, DnsResult<Record> answer) {
        List<ARecord> replies = answer.values().stream().filter(ARecord.class::isInstance).map(ARecord.class::cast)
                .toList();
        int total = 0;
        int largest = Integer.MIN_VALUE;
        long failTtl = Long.MAX_VALUE;
        long passTtl = Long.MAX_VALUE;
        for (Site site : sites) {
            boolean matched = false;
            for (ARecord reply : replies) {
                if (site.list().accepts(reply.getAddress())) {
                    matched = true;
                    failTtl = Math.min(failTtl, reply.getTTL());
                } else {
                    passTtl = Math.min(passTtl, reply.getTTL());
                }
            }
            if (matched) {
                total += site.weight();
                largest = Math.max(largest, site.weight());
            }
        }
        return new Score(total, largest > 0 ? shownName(domain) : null, failTtl, passTtl);
    }

    private static Score sum(List<Score> scores) {
        int total = 0;
        String name = null;
        int best = 0;
        long failTtl = Long.MAX_VALUE;
        long passTtl = Long.MAX_VALUE;
        for (Score s : scores) {
            total += s.total();
            failTtl = Math.min(failTtl, s.failTtl());
            passTtl = Math.min(passTtl, s.passTtl());
            if (s.listName() != null && s.total() > best) {
                best = s.total();
                name = s.listName();
            }
        }
        return new Score(total, name, failTtl, passTtl);
    }

    /** postscreen_dnsbl_reply_map: the name clients see, so a paid list's secret query name stays private. */
    private String shownName(String domain) {
        if (replyMap == null) {
            return domain;
        }
        return replyMap.find(domain).orElse(domain);
    }
}
