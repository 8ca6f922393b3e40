package org.bulwark.master;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.config.InetService;
import org.bulwark.config.ServiceEntry;
import org.bulwark.util.Cidr;

/**
 * The socket addresses an inet service listens on: the host its master.cf name gives, or every
 * {@code inet_interfaces} address. Addresses only: a host name here would need DNS at startup.
 */
final class ListenAddresses {

    private ListenAddresses() {
    }

    static List<InetSocketAddress> of(ServiceEntry service, Config config) {
        InetService inet = InetService.parse(service.service()).orElseThrow(() -> new ConfigException(
                service.file(), service.line(), "\"" + service.service()
                        + "\" is not an inet service: write port, host:port or [ipv6]:port"));
        List<InetSocketAddress> addresses = new ArrayList<>();
        if (!inet.host().isEmpty()) {
            addresses.add(socketAddress(service, inet.host(), inet.port()));
            return addresses;
        }
        for (String iface : config.list("inet_interfaces")) {
            switch (iface.toLowerCase(Locale.ROOT)) {
                case "all" -> addresses.add(ipv4Only(config)
                        ? socketAddress(service, "0.0.0.0", inet.port()) : new InetSocketAddress(inet.port()));
                case "loopback-only", "localhost" -> addresses.add(socketAddress(service, "127.0.0.1", inet.port()));
                default -> addresses.add(socketAddress(service, iface, inet.port()));
            }
        }
        return addresses;
    }

    /** {@code inet_protocols = ipv4}: "all" interfaces are every IPv4 address, and no IPv6 one. */
    private static boolean ipv4Only(Config config) {
        List<String> protocols = config.list("inet_protocols");
        return !protocols.isEmpty() && protocols.stream().allMatch(p -> p.equalsIgnoreCase("ipv4"));
    }

    private static InetSocketAddress socketAddress(ServiceEntry service, String host, int port) {
        byte[] literal = Cidr.literalBytes(host);
        if (literal == null) {
            throw new ConfigException(service.file(), service.line(), "\"" + host
                    + "\" is not an IP address; listen addresses must be addresses, not host names");
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(literal), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a literal address is always valid", e);
        }
    }
}
