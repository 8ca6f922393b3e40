package org.bulwark.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void ipv4NetworkContainsItsHostsOnly() throws Exception {
        Cidr loopback = Cidr.parse("127.0.0.0/8");
        assertThat(loopback.contains(InetAddress.getByName("127.0.0.2"))).isTrue();
        assertThat(loopback.contains(InetAddress.getByName("128.0.0.1"))).isFalse();
    }

    @Test
    void bracketedIpv6NetworkAsInMynetworks() throws Exception {
        Cidr v6 = Cidr.parse("[::1]/128");
        assertThat(v6.contains(InetAddress.getByName("::1"))).isTrue();
        assertThat(v6.contains(InetAddress.getByName("127.0.0.1"))).isFalse();
    }

    @Test
    void ipv4MappedNetworkMatchesTheIpv4AddressesItMaps() throws Exception {
        Cidr mapped = Cidr.parse("[::ffff:127.0.0.0]/104");
        assertThat(mapped.contains(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(mapped.contains(InetAddress.getByName("10.0.0.1"))).isFalse();
    }

    @Test
    void hostBitsSetIsAnErrorThatSaysWhatToWrite() {
        assertThatThrownBy(() -> Cidr.parse("127.0.0.1/8"))
                .hasMessageContaining("perhaps you should use 127.0.0.0/8 instead");
    }

    @Test
    void hostNamesAreNotAddresses() {
        assertThat(Cidr.literalBytes("localhost")).isNull();
        assertThatThrownBy(() -> Cidr.parse("example.com/24")).isInstanceOf(IllegalArgumentException.class);
    }
}
