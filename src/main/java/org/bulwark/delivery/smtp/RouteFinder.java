package org.bulwark.delivery.smtp;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bulwark.dns.DnsResolver;
import org.bulwark.dns.DnsResult;
import org.bulwark.dns.DnssecResult;
import org.bulwark.dns.MxHost;
import org.bulwark.util.Cidr;

/**
 * Turns a nexthop into servers, as RFC 5321 §5.1 and Postfix's smtp_addr.c do: MX records by
 * preference with a random order among equals, the domain itself when it has no MX (the implicit
 * MX), RFC 7505's null MX as a permanent failure, addresses filtered by {@code inet_protocols} and
 * cut at {@code smtp_mx_address_limit}. With {@code smtp_dns_support_level = dnssec} the lookups ask
 * for DNSSEC and each server says whether its chain of answers was validated; with {@code
 * disabled} there are no MX lookups, the nexthop is the host itself.
 */
final class RouteFinder {

    private final DnsResolver dns;
    private final boolean ipv4;
    private final boolean ipv6;
    private final int addressLimit;
    private final Random random;
    private final boolean dnssec;
    private final boolean mxLookups;

    RouteFinder(DnsResolver dns, String inetProtocols, int addressLimit, Random random) {
        this(dns, inetProtocols, addressLimit, random, false, true);
    }

    /**
     * @param dnssec    ask with DNSSEC and mark servers whose answers were all validated
     * @param mxLookups false for {@code smtp_dns_support_level = disabled}
     */
    RouteFinder(DnsResolver dns, String inetProtocols, int addressLimit, Random random, boolean dnssec,
            boolean mxLookups) {
        this.dns = dns;
        String p = inetProtocols.toLowerCase(Locale.ROOT);
        this.ipv4 = p.contains("all") || p.contains("ipv4") || p.isBlank();
        this.ipv6 = p.contains("all") || p.contains("ipv6") || p.isBlank();
        this.addressLimit = addressLimit <= 0 ? Integer.MAX_VALUE : addressLimit;
        this.random = random;
        this.dnssec = dnssec;
        this.mxLookups = mxLookups;
    }

    Route find(Nexthop nexthop) {
        byte[] literal = Cidr.literalBytes(nexthop.host());
        if (literal != null) {
            try {
                return servers(List.of(new Route.Server(nexthop.host(), InetAddress.getByAddress(literal), nexthop.port())),
                        nexthop.host());
            } catch (UnknownHostException e) {
                return new Route.Failure(false, "5.4.4", SmtpTexts.hostNotFound(nexthop.host(), "A"));
            }
        }
        if (!nexthop.mxLookup() || !mxLookups) {
            return hostAddresses(nexthop.host(), nexthop.port(), new ArrayList<>(), nexthop.host(), true);
        }
        DnssecResult<MxHost> answer = dnssec ? dns.lookupMxDnssec(nexthop.host())
                : new DnssecResult<>(dns.lookupMx(nexthop.host()), false);
        DnsResult<MxHost> mx = answer.result();
        return switch (mx) {
            case DnsResult.TemporaryFailure<MxHost> f ->
                    new Route.Failure(true, "4.4.3", SmtpTexts.hostNotFoundTryAgain(nexthop.host(), "MX"));
            case DnsResult.NotFound<MxHost> none when none.absence() == DnsResult.Absence.NXDOMAIN ->
                    new Route.Failure(false, "5.4.4", SmtpTexts.hostNotFound(nexthop.host(), "MX"));
            // RFC 5321 §5.1: no MX records, the domain itself is the implicit MX.
            case DnsResult.NotFound<MxHost> none -> hostAddresses(nexthop.host(), nexthop.port(), new ArrayList<>(),
                    nexthop.host(), answer.secure());
            case DnsResult.Found<MxHost> found -> fromMx(found.values(), nexthop, answer.secure());
        };
    }

    private Route fromMx(List<MxHost> records, Nexthop nexthop, boolean mxSecure) {
        // RFC 7505 §3: a single MX with the root as exchange: the domain accepts no mail.
        if (records.stream().anyMatch(MxHost::isNullMx)) {
            return new Route.Failure(false, "5.1.10", SmtpTexts.nullMx(nexthop.host()));
        }
        List<MxHost> ordered = shuffleEqualPreferences(records);
        List<Route.Server> servers = new ArrayList<>();
        boolean temporary = false;
        for (MxHost host : ordered) {
            DnssecResult<InetAddress> answer = addresses(host.host());
            DnsResult<InetAddress> addresses = answer.result();
            temporary |= addresses.isTemporaryFailure();
            for (InetAddress a : addresses.values()) {
                if (allowed(a) && servers.size() < addressLimit) {
                    servers.add(new Route.Server(host.host(), a, nexthop.port(), mxSecure && answer.secure(),
                            dnssec && !mxSecure && answer.secure()));
                }
            }
        }
        if (servers.isEmpty()) {
            String first = ordered.get(0).host();
            return temporary ? new Route.Failure(true, "4.4.3", SmtpTexts.hostNotFoundTryAgain(first, "A"))
                    : new Route.Failure(false, "5.4.4", SmtpTexts.hostNotFound(first, "A"));
        }
        return new Route.Servers(servers);
    }

    private DnssecResult<InetAddress> addresses(String host) {
        return dnssec ? dns.lookupAddressesDnssec(host) : new DnssecResult<>(dns.lookupAddresses(host), false);
    }

    private List<MxHost> shuffleEqualPreferences(List<MxHost> sorted) {
        List<MxHost> out = new ArrayList<>(sorted.size());
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j < sorted.size() && sorted.get(j).preference() == sorted.get(i).preference()) {
                j++;
            }
            List<MxHost> group = new ArrayList<>(sorted.subList(i, j));
            Collections.shuffle(group, random);
            out.addAll(group);
            i = j;
        }
        return out;
    }

    /** @param secure whether the answers that led to this host were validated */
    private Route hostAddresses(String host, int port, List<Route.Server> servers, String name, boolean secure) {
        DnssecResult<InetAddress> answer = addresses(host);
        DnsResult<InetAddress> addresses = answer.result();
        if (addresses.isTemporaryFailure()) {
            return new Route.Failure(true, "4.4.3", SmtpTexts.hostNotFoundTryAgain(host, "A"));
        }
        if (!addresses.isFound()) {
            return new Route.Failure(false, "5.4.4", SmtpTexts.hostNotFound(host, "A"));
        }
        for (InetAddress a : addresses.values()) {
            if (allowed(a) && servers.size() < addressLimit) {
                servers.add(new Route.Server(host, a, port, secure && answer.secure()));
            }
        }
        return servers(servers, name);
    }

    private Route servers(List<Route.Server> servers, String name) {
        List<Route.Server> usable = servers.stream().filter(s -> allowed(s.address())).toList();
        return usable.isEmpty() ? new Route.Failure(false, "5.4.4", SmtpTexts.noUsableAddress(name))
                : new Route.Servers(usable);
    }

    private boolean allowed(InetAddress address) {
        return address instanceof Inet4Address ? ipv4 : address instanceof Inet6Address && ipv6;
    }
}
