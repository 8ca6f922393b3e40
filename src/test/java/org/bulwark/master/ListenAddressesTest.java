package org.bulwark.master;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.config.ServiceEntry;
import org.junit.jupiter.api.Test;

/** Which addresses an inet service binds; computed only, nothing listens beyond loopback in tests. */
class ListenAddressesTest {

    private static final ServiceEntry SMTP = new ServiceEntry("smtp", "inet", "n", "-", "n", "-", "-", "smtpd",
            List.of(), Map.of(), Path.of("master.cf"), 1);

    private static List<InetSocketAddress> addresses(String protocols) {
        return ListenAddresses.of(SMTP, Config.of(Map.of("inet_interfaces", "all", "inet_protocols", protocols)));
    }

    @Test
    void allInterfacesWithIpv4OnlyIsTheIpv4Wildcard() {
        assertThat(addresses("ipv4")).extracting(a -> a.getAddress().getHostAddress(), InetSocketAddress::getPort)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("0.0.0.0", 25));
    }

    @Test
    void allInterfacesWithAllProtocolsIsTheDualStackWildcard() {
        // Java's wildcard: [::] taking IPv4 and IPv6 where the machine has IPv6, 0.0.0.0 where not.
        assertThat(addresses("all")).containsExactly(new InetSocketAddress(25));
    }
}
