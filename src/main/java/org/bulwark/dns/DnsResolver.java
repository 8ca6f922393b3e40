package org.bulwark.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bulwark.config.Config;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Name resolution for the server. Loopback addresses and {@code localhost} are answered here
 * (RFC 6761 §6.3) and never reach a DNS server; everything else goes to the servers named in
 * {@code dns_servers} ({@code ip:port}), or the system's resolvers when that is empty.
 * Thread-safe: dnsjava's resolvers may be shared between threads.
 */
public final class DnsResolver {

    private static final InetAddress IPV4_LOOPBACK = address(new byte[] {127, 0, 0, 1});
    private static final InetAddress IPV6_LOOPBACK = address(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

    /** The EDNS buffer size of DNSSEC queries (the DNS Flag Day 2020 value). */
    private static final int EDNS_PAYLOAD = 1232;

    private final Resolver resolver;
    private final DnsCache cache;

    private DnsResolver(Resolver resolver, DnsCache cache) {
        this.resolver = resolver;
        this.cache = cache;
    }

    /** @param dnsServers {@code dns_servers} items: {@code 127.0.0.1:5353}, {@code [::1]:53}, {@code 127.0.0.1} */
    public static DnsResolver create(List<String> dnsServers) {
        Config defaults = Config.of(java.util.Map.of());
        return create(dnsServers, defaults.time("dns_timeout"), defaults.integer("dns_attempts"));
    }

    /**
     * @param timeout  the wait for one answer from one server
     * @param attempts how many times each server is asked (at least 1)
     * @throws org.bulwark.config.ConfigException for an item that is not {@code ip[:port]}
     */
    public static DnsResolver create(List<String> dnsServers, Duration timeout, int attempts) {
        return create(dnsServers, timeout, attempts, new DnsCache(DnsCache.DEFAULT_CAPACITY, System::nanoTime));
    }

    static DnsResolver create(List<String> dnsServers, Duration timeout, int attempts, DnsCache cache) {
        List<InetSocketAddress> servers = DnsServers.parse(dnsServers);
        if (servers.isEmpty()) {
            servers = DnsServers.system();
        }
        List<Resolver> simple = new ArrayList<>();
        for (InetSocketAddress server : servers) {
            simple.add(new SimpleResolver(server));
        }
        ExtendedResolver extended = simple.isEmpty() ? new ExtendedResolver() : new ExtendedResolver(simple);
        for (Resolver r : extended.getResolvers()) {
            r.setTimeout(timeout);
        }
        int tries = Math.max(1, attempts);
        extended.setRetries(tries);
        extended.setLoadBalance(false);
        // The overall limit covers every attempt at every server, plus dnsjava's I/O loop, which
        // notices an expired query only once a second.
        int count = Math.max(1, extended.getResolvers().length);
        extended.setTimeout(timeout.plusSeconds(1).multipliedBy((long) tries * count));
        return new DnsResolver(extended, cache);
    }

    /**
     * A resolver for {@code dns_servers} (a Bulwark extension: Postfix always uses the system's
     * resolver configuration), with the default timeouts.
     */
    public static DnsResolver create(Config config) {
        return create(config.list("dns_servers"), config.time("dns_timeout"), config.integer("dns_attempts"));
    }

    /**
     * The client's names as smtpd keeps them: the PTR name (reverse_client_name) and, when one of
     * its addresses is the client's, the same name as the verified client_name; each with whether
     * its absence is final or a temporary failure. Loopback is answered as {@link #verifyName} does.
     */
    public ClientNames clientNames(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return verifiedName(address).map(ClientNames::verified).orElse(ClientNames.NONE);
        }
        DnsResult<String> reverse = reverseNames(address);
        List<String> names = reverse.values().stream().filter(DnsResolver::isHostName).toList();
        if (names.isEmpty()) {
            ClientNames.Status status = reverse.isTemporaryFailure()
                    ? ClientNames.Status.TEMPORARY : ClientNames.Status.PERMANENT;
            return new ClientNames(ClientNames.UNKNOWN, status, ClientNames.UNKNOWN, status);
        }
        DnsResult<String> verified = verifyName(address);
        if (verified.isFound()) {
            String name = verified.values().get(0);
            return new ClientNames(name, ClientNames.Status.OK, name, ClientNames.Status.OK);
        }
        return new ClientNames(ClientNames.UNKNOWN, verified.isTemporaryFailure()
                ? ClientNames.Status.TEMPORARY : ClientNames.Status.PERMANENT, names.get(0), ClientNames.Status.OK);
    }

    /**
     * The client's verified host name: the PTR name whose A/AAAA records include the address
     * (forward-confirmed), or empty when there is none. {@code localhost} for 127.0.0.1 and ::1;
     * other loopback addresses have no name. Neither case sends a query.
     */
    public Optional<String> verifiedName(InetAddress address) {
        return verifyName(address).values().stream().findFirst();
    }

    /**
     * Like {@link #verifiedName} but telling a definite "no name" from a temporary failure, which
     * reject_unknown_client_hostname answers with 450 rather than 550.
     */
    public DnsResult<String> verifyName(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return address.equals(IPV4_LOOPBACK) || address.equals(IPV6_LOOPBACK)
                    ? new DnsResult.Found<>(List.of("localhost"))
                    : new DnsResult.NotFound<>(DnsResult.Absence.NXDOMAIN);
        }
        DnsResult<String> names = reverseNames(address);
        if (!names.isFound()) {
            return names;
        }
        boolean temporary = false;
        for (String name : names.values()) {
            if (!isHostName(name)) {
                continue;
            }
            DnsResult<InetAddress> forward = lookupAddresses(name);
            if (forward.values().contains(address)) {
                return new DnsResult.Found<>(List.of(name));
            }
            temporary |= forward.isTemporaryFailure();
        }
        return temporary
                ? new DnsResult.TemporaryFailure<>("forward lookup of the client's name failed")
                : new DnsResult.NotFound<>(DnsResult.Absence.NODATA);
    }

    /** The PTR names of an address, without their trailing dots. */
    public DnsResult<String> reverseNames(InetAddress address) {
        return query(ReverseMap.fromAddress(address), Type.PTR)
                .map(r -> hostName(((PTRRecord) r).getTarget()));
    }

    /** The A and AAAA records of a name; {@code localhost} and its subdomains are the loopback addresses. */
    public DnsResult<InetAddress> lookupAddresses(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        if (lower.equals("localhost") || lower.endsWith(".localhost")) {
            return new DnsResult.Found<>(List.of(IPV4_LOOPBACK, IPV6_LOOPBACK));
        }
        DnsResult<InetAddress> v4 = query(name, Type.A).map(r -> ((ARecord) r).getAddress());
        DnsResult<InetAddress> v6 = query(name, Type.AAAA).map(r -> ((AAAARecord) r).getAddress());
        if (v4.isFound() || v6.isFound()) {
            List<InetAddress> all = new ArrayList<>(v4.values());
            all.addAll(v6.values());
            return new DnsResult.Found<>(all);
        }
        if (v4.isTemporaryFailure()) {
            return v4;
        }
        if (v6.isTemporaryFailure()) {
            return v6;
        }
        return v4;
    }

    /** The MX records of a domain, lowest preference first (RFC 5321 §5.1). */
    public DnsResult<MxHost> lookupMx(String domain) {
        DnsResult<MxHost> result = query(domain, Type.MX)
                .map(r -> new MxHost(((MXRecord) r).getPriority(), hostName(((MXRecord) r).getTarget())));
        if (!result.isFound()) {
            return result;
        }
        List<MxHost> sorted = new ArrayList<>(result.values());
        sorted.sort(Comparator.comparingInt(MxHost::preference));
        return new DnsResult.Found<>(sorted);
    }

    /** The NS records of a name: the host names of its name servers. */
    public DnsResult<String> lookupNs(String name) {
        return query(name, Type.NS).map(r -> hostName(((NSRecord) r).getTarget()));
    }

    /** The TXT records of a name, each one's strings joined without separator (RFC 7208 §3.3). */
    public DnsResult<String> lookupTxt(String name) {
        return query(name, Type.TXT).map(r -> String.join("", ((TXTRecord) r).getStrings()));
    }

    /**
     * A DNSBL query (RFC 5782 §2.1, §2.4): the client's octets (IPv4) or nibbles (IPv6) in reverse
     * order under {@code zone}. Found means listed; the values are the list's return codes
     * ({@code 127.0.0.x}).
     */
    public DnsResult<InetAddress> lookupDnsbl(InetAddress client, String zone) {
        return query(dnsblName(client, zone), Type.A).map(r -> ((ARecord) r).getAddress());
    }

    /** The TXT records of a DNSBL entry: the list's reason for listing the client (RFC 5782 §2.1). */
    public DnsResult<String> lookupDnsblText(InetAddress client, String zone) {
        return lookupTxt(dnsblName(client, zone));
    }

    /** {@code 2.0.0.127.zen.example} for 127.0.0.2 under zen.example. */
    public static String dnsblName(InetAddress client, String zone) {
        String reverse = ReverseMap.fromAddress(client).toString(true);
        String suffix = reverse.endsWith(".in-addr.arpa") ? ".in-addr.arpa" : ".ip6.arpa";
        String z = zone.endsWith(".") ? zone.substring(0, zone.length() - 1) : zone;
        return reverse.substring(0, reverse.length() - suffix.length()) + "." + z;
    }

    /** Records of any type (e.g. {@link Type#TLSA}) as dnsjava returns them. */
    public DnsResult<Record> lookup(String name, int type) {
        return query(name, type);
    }

    /**
     * The MX records of a domain as {@link #lookupMx}, asked with DNSSEC (the DO and AD bits, as
     * Postfix's {@code smtp_dns_support_level = dnssec} does), and whether they were validated.
     */
    public DnssecResult<MxHost> lookupMxDnssec(String domain) {
        DnssecResult<Record> answer = query(domain, Type.MX, true);
        DnsResult<MxHost> result = answer.result()
                .map(r -> new MxHost(((MXRecord) r).getPriority(), hostName(((MXRecord) r).getTarget())));
        if (result.isFound()) {
            List<MxHost> sorted = new ArrayList<>(result.values());
            sorted.sort(Comparator.comparingInt(MxHost::preference));
            result = new DnsResult.Found<>(sorted);
        }
        return new DnssecResult<>(result, answer.secure());
    }

    /**
     * The A and AAAA records of a name as {@link #lookupAddresses}, asked with DNSSEC; secure when
     * every answer that came back (records or their absence) was validated. {@code localhost} is
     * answered here and is never secure.
     */
    public DnssecResult<InetAddress> lookupAddressesDnssec(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        lower = lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
        if (lower.equals("localhost") || lower.endsWith(".localhost")) {
            return new DnssecResult<>(lookupAddresses(name), false);
        }
        DnssecResult<Record> a = query(name, Type.A, true);
        DnssecResult<Record> aaaa = query(name, Type.AAAA, true);
        // A failed half adds no addresses, so it cannot make the other half's addresses insecure.
        boolean secure = (a.secure() || a.result().isTemporaryFailure())
                && (aaaa.secure() || aaaa.result().isTemporaryFailure());
        DnsResult<InetAddress> v4 = a.result().map(r -> ((ARecord) r).getAddress());
        DnsResult<InetAddress> v6 = aaaa.result().map(r -> ((AAAARecord) r).getAddress());
        if (v4.isFound() || v6.isFound()) {
            List<InetAddress> all = new ArrayList<>(v4.values());
            all.addAll(v6.values());
            return new DnssecResult<>(new DnsResult.Found<>(all), secure);
        }
        if (v4.isTemporaryFailure()) {
            return new DnssecResult<>(v4, false);
        }
        if (v6.isTemporaryFailure()) {
            return new DnssecResult<>(v6, false);
        }
        return new DnssecResult<>(v4, secure);
    }

    /**
     * The TLSA records of a TCP service (RFC 6698 §3: {@code _25._tcp.mx.example.com}), asked with
     * DNSSEC; only a secure answer may be acted on (RFC 7672 §2.2).
     */
    public DnssecResult<TlsaRecord> lookupTlsa(String host, int port) {
        String base = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        DnssecResult<Record> answer = query("_" + port + "._tcp." + base, Type.TLSA, true);
        DnsResult<TlsaRecord> result = answer.result().map(r -> {
            TLSARecord t = (TLSARecord) r;
            return new TlsaRecord(t.getCertificateUsage(), t.getSelector(), t.getMatchingType(),
                    t.getCertificateAssociationData());
        });
        return new DnssecResult<>(result, answer.secure());
    }

    private DnsResult<Record> query(String name, int type) {
        return query(name, type, false).result();
    }

    private DnssecResult<Record> query(String name, int type, boolean dnssec) {
        Name parsed;
        try {
            parsed = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return new DnssecResult<>(new DnsResult.NotFound<>(DnsResult.Absence.NXDOMAIN), false);
        }
        return query(parsed, type, dnssec);
    }

    private DnsResult<Record> query(Name name, int type) {
        return query(name, type, false).result();
    }

    /**
     * One question to the configured resolvers. With {@code dnssec} the query sets DO (RFC 4035
     * §3.2.1) and AD (RFC 6840 §5.7), and the answer is secure when the response carries AD.
     */
    private DnssecResult<Record> query(Name name, int type, boolean dnssec) {
        String key = name.toString();
        DnsCache.Entry cached = cache.get(key, type, dnssec);
        if (cached != null) {
            return new DnssecResult<>(cached.result(), cached.authentic());
        }
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        if (dnssec) {
            query.getHeader().setFlag(Flags.AD);
            query.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        }
        Message response;
        try {
            response = resolver.send(query);
        } catch (IOException e) {
            return new DnssecResult<>(new DnsResult.TemporaryFailure<>("no answer for " + name + "/"
                    + Type.string(type) + ": " + e.getMessage()), false);
        }
        boolean authentic = dnssec && response.getHeader().getFlag(Flags.AD);
        int rcode = response.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            DnsResult<Record> none = new DnsResult.NotFound<>(DnsResult.Absence.NXDOMAIN);
            cache.put(key, type, dnssec, authentic, none, response);
            return new DnssecResult<>(none, authentic);
        }
        if (rcode != Rcode.NOERROR) {
            return new DnssecResult<>(new DnsResult.TemporaryFailure<>(Rcode.string(rcode) + " for " + name + "/"
                    + Type.string(type)), false);
        }
        // A CNAME chain may precede the records asked for (RFC 1034 §4.3.2); keep only those.
        List<Record> answers = response.getSection(Section.ANSWER).stream()
                .filter(r -> r.getType() == type)
                .toList();
        DnsResult<Record> result = answers.isEmpty()
                ? new DnsResult.NotFound<>(DnsResult.Absence.NODATA)
                : new DnsResult.Found<>(answers);
        cache.put(key, type, dnssec, authentic, result, response);
        return new DnssecResult<>(result, authentic);
    }

    /**
     * Whether a PTR name may stand as the client's name in logs and Received: headers: letters,
     * digits, hyphens and underscores in labels of at most 63 characters, and not all numeric
     * (which would pass for an address), like Postfix's valid_hostname().
     */
    static boolean isHostName(String name) {
        if (name.isEmpty() || name.length() > 255) {
            return false;
        }
        boolean allNumeric = true;
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean digit = c >= '0' && c <= '9';
                allNumeric &= digit;
                if (!(digit || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_')) {
                    return false;
                }
            }
        }
        return !allNumeric;
    }

    private static String hostName(Name name) {
        String text = name.toString(true);
        return text.equals(".") ? "" : text;
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
