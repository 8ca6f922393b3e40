package org.bulwark.dns;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Name resolution for the server. Loopback addresses and {@code localhost} are answered here
 * (RFC 6761) and never reach a DNS server; everything else goes to the servers named in
 * {@code dns_servers} ({@code ip:port}), or the system's resolvers when that is empty.
 */
public final class DnsResolver {

    /** @param dnsServers {@code dns_servers} items: {@code 127.0.0.1:5353}, {@code [::1]:53}, {@code 127.0.0.1} */
    public static DnsResolver create(List<String> dnsServers) {
        throw new UnsupportedOperationException("not built yet");
    }

    /**
     * The client's verified host name: the PTR name whose A/AAAA records include the address
     * (forward-confirmed), or empty when there is none. {@code localhost} for loopback addresses.
     */
    public Optional<String> verifiedName(InetAddress address) {
        throw new UnsupportedOperationException("not built yet");
    }
}
