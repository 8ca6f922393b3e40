package org.bulwark.smtpd;

import java.net.InetAddress;
import java.util.Optional;
import org.bulwark.dns.ClientNames;
import org.bulwark.dns.DnsResolver;

/** The client's verified host name ({@code DnsResolver::verifiedName}), empty when it has none. */
@FunctionalInterface
public interface ClientNameLookup {

    Optional<String> verifiedName(InetAddress address);

    /**
     * The verified and the PTR name with whether each absence is final or temporary, for
     * reject_unknown_client_hostname and reject_unknown_reverse_client_hostname.
     */
    default ClientNames names(InetAddress address) {
        return verifiedName(address).map(ClientNames::verified).orElse(ClientNames.NONE);
    }

    /** For smtpd_peername_lookup = no: every client is {@code unknown}. */
    ClientNameLookup NONE = address -> Optional.empty();

    /** The lookups of a resolver. */
    static ClientNameLookup of(DnsResolver dns) {
        return new ClientNameLookup() {
            @Override
            public Optional<String> verifiedName(InetAddress address) {
                return dns.verifiedName(address);
            }

            @Override
            public ClientNames names(InetAddress address) {
                return dns.clientNames(address);
            }
        };
    }
}
