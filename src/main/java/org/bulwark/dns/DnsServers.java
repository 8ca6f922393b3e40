package org.bulwark.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.bulwark.config.ConfigException;
import org.bulwark.util.Cidr;

/**
 * Parses {@code dns_servers} items: {@code 127.0.0.1:5353}, {@code [::1]:53}, {@code 127.0.0.1},
 * {@code ::1}. Only address literals: naming a server by host name would need DNS to find DNS.
 */
final class DnsServers {

    private static final int DNS_PORT = 53;

    private DnsServers() {
    }

    /**
     * The system's name servers, from /etc/resolv.conf, or none (then dnsjava's own search of the
     * system's configuration decides). Read here rather than through that search, which on a
     * resolv.conf without a search list goes on to JNDI, whose start looks for jndi.properties in
     * every jar on the class path: about 7 ms before the first 220, for the same servers.
     */
    static List<InetSocketAddress> system() {
        org.xbill.DNS.config.ResolvConfResolverConfigProvider resolvConf =
                new org.xbill.DNS.config.ResolvConfResolverConfigProvider();
        if (!resolvConf.isEnabled()) {
            return List.of();
        }
        resolvConf.initialize(); // a missing or unreadable file leaves no servers
        return resolvConf.servers();
    }

    static List<InetSocketAddress> parse(List<String> items) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String raw : items) {
            for (String item : raw.split("[,\\s]+")) {
                if (!item.isEmpty()) {
                    out.add(parseOne(item));
                }
            }
        }
        return out;
    }

    private static InetSocketAddress parseOne(String item) {
        String host = item;
        String port = null;
        if (item.startsWith("[")) {
            int close = item.indexOf(']');
            if (close < 0) {
                throw bad(item);
            }
            host = item.substring(1, close);
            String rest = item.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw bad(item);
                }
                port = rest.substring(1);
            }
        } else if (item.indexOf(':') == item.lastIndexOf(':') && item.indexOf(':') >= 0) {
            host = item.substring(0, item.indexOf(':'));
            port = item.substring(item.indexOf(':') + 1);
        }
        byte[] address = Cidr.literalBytes(host);
        if (address == null) {
            throw bad(item);
        }
        int portNumber = DNS_PORT;
        if (port != null) {
            try {
                portNumber = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw bad(item);
            }
            if (portNumber < 1 || portNumber > 65535) {
                throw bad(item);
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), portNumber);
        } catch (UnknownHostException e) {
            throw bad(item);
        }
    }

    private static ConfigException bad(String item) {
        return new ConfigException("dns_servers: bad server \"" + item
                + "\"; expected an IP address with an optional port: 127.0.0.1:5353, [::1]:53, 192.0.2.1");
    }
}
