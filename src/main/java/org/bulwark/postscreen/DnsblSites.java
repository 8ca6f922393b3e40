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

    /** The total, and the list that added the most (named in the reply). */
    record Score(int total, String listName) {
        static final Score NONE = new Score(0, null);
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
                    part.complete(score(e.getKey(), e.getValue(), dns.lookupDnsbl(client, e.getKey())));
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
    private Score score(String domain, List<Site> sites, DnsResult<InetAddress> answer) {
        List<InetAddress> replies = answer.values();
        int total = 0;
        int largest = Integer.MIN_VALUE;
        for (Site site : sites) {
            if (replies.stream().anyMatch(site.list()::accepts)) {
                total += site.weight();
                largest = Math.max(largest, site.weight());
            }
        }
        return largest == Integer.MIN_VALUE ? Score.NONE : new Score(total, largest > 0 ? shownName(domain) : null);
    }

    private static Score sum(List<Score> scores) {
        int total = 0;
        String name = null;
        int best = 0;
        for (Score s : scores) {
            total += s.total();
            if (s.listName() != null && s.total() > best) {
                best = s.total();
                name = s.listName();
            }
        }
        return new Score(total, name);
    }

    /** postscreen_dnsbl_reply_map: the name clients see, so a paid list's secret query name stays private. */
    private String shownName(String domain) {
        if (replyMap == null) {
            return domain;
        }
        return replyMap.find(domain).orElse(domain);
    }
}
