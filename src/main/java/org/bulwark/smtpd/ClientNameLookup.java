package org.bulwark.smtpd;

import java.net.InetAddress;
import java.util.Optional;

/** The client's verified host name ({@code DnsResolver::verifiedName}), empty when it has none. */
@FunctionalInterface
public interface ClientNameLookup {

    Optional<String> verifiedName(InetAddress address);

    /** For smtpd_peername_lookup = no: every client is {@code unknown}. */
    ClientNameLookup NONE = address -> Optional.empty();
}
