package org.bulwark.table;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bulwark.config.Config;
import org.bulwark.util.Cidr;

/**
 * Says which {@link AddressClass} a domain is in, from {@code mydestination},
 * {@code virtual_alias_domains}, {@code virtual_mailbox_domains}, {@code relay_domains} and the
 * machine's own addresses as {@code [ip]} literals. Built once per configuration.
 *
 * <p>The order of the checks is trivial-rewrite(8)'s: a domain that is local is local even when
 * it is also listed as virtual or relay (Postfix warns about such a configuration).
 */
public final class DomainClassifier {

    private final MatchList mydestination;
    private final MatchList virtualAliasDomains;
    private final MatchList virtualMailboxDomains;
    private final MatchList relayDomains;
    private final Set<String> interfaceAddresses;

    public DomainClassifier(Config config) {
        this.mydestination = MatchList.of(config, "mydestination");
        // Their defaults, $virtual_alias_maps and $virtual_mailbox_maps, make a domain virtual when
        // it is a key in those tables: a table item of a domain list is a lookup of the domain.
        this.virtualAliasDomains = MatchList.of(config, "virtual_alias_domains");
        this.virtualMailboxDomains = MatchList.of(config, "virtual_mailbox_domains");
        this.relayDomains = MatchList.of(config, "relay_domains");
        Set<String> addresses = new HashSet<>();
        addInterfaces(addresses, config, "inet_interfaces");
        addInterfaces(addresses, config, "proxy_interfaces");
        this.interfaceAddresses = Set.copyOf(addresses);
    }

    /** The class of a domain (case-insensitive; a trailing dot is not stripped: Postfix rejects it). */
    public AddressClass classify(String domain) {
        String name = domain.toLowerCase(Locale.ROOT);
        if (isLocal(name)) {
            return AddressClass.LOCAL;
        }
        if (virtualAliasDomains.matches(name)) {
            return AddressClass.VIRTUAL_ALIAS;
        }
        if (virtualMailboxDomains.matches(name)) {
            return AddressClass.VIRTUAL_MAILBOX;
        }
        if (relayDomains.matches(name)) {
            return AddressClass.RELAY;
        }
        return AddressClass.DEFAULT;
    }

    /** resolve_local(3): listed in mydestination, or an address literal of one of our interfaces. */
    public boolean isLocal(String domain) {
        if (mydestination.matches(domain)) {
            return true;
        }
        if (!domain.startsWith("[") || !domain.endsWith("]")) {
            return false;
        }
        String literal = domain.substring(1, domain.length() - 1);
        // RFC 5321 §4.1.3: IPv6 address literals carry an "IPv6:" tag.
        if (literal.regionMatches(true, 0, "ipv6:", 0, 5)) {
            literal = literal.substring(5);
        }
        byte[] bytes = Cidr.literalBytes(literal);
        if (bytes == null) {
            return false;
        }
        try {
            return interfaceAddresses.contains(NetworkList.addressText(InetAddress.getByAddress(bytes)));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void addInterfaces(Set<String> out, Config config, String parameter) {
        for (String item : config.list(parameter)) {
            switch (item.toLowerCase(Locale.ROOT)) {
                case "all" -> out.addAll(allLocalAddresses());
                case "loopback-only", "localhost" -> out.addAll(List.of("127.0.0.1", "::1"));
                default -> out.addAll(addressesOf(parameter, item));
            }
        }
    }

    private static Set<String> addressesOf(String parameter, String item) {
        String s = item.startsWith("[") && item.endsWith("]") ? item.substring(1, item.length() - 1) : item;
        byte[] literal = Cidr.literalBytes(s);
        Set<String> out = new HashSet<>();
        try {
            if (literal != null) {
                out.add(NetworkList.addressText(InetAddress.getByAddress(literal)));
            } else {
                for (InetAddress a : InetAddress.getAllByName(s)) {
                    out.add(NetworkList.addressText(a));
                }
            }
        } catch (UnknownHostException e) {
            throw TableTexts.badInterface(parameter, item);
        }
        return out;
    }

    private static Set<String> allLocalAddresses() {
        Set<String> out = new HashSet<>(List.of("127.0.0.1", "::1"));
        try {
            NetworkInterface.networkInterfaces()
                    .flatMap(NetworkInterface::inetAddresses)
                    .forEach(a -> out.add(NetworkList.addressText(a)));
        } catch (SocketException e) {
            // Without the interface list, the loopback addresses are still ours.
        }
        return out;
    }
}
