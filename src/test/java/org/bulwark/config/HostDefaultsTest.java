package org.bulwark.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class HostDefaultsTest {

    @Test
    void hostNameWithoutDotGetsMydomainOrLocaldomain() {
        assertThat(HostDefaults.qualified("vm", "")).isEqualTo("vm.localdomain");
        assertThat(HostDefaults.qualified("vm", "example.org")).isEqualTo("vm.example.org");
        assertThat(HostDefaults.qualified("mx.example.org", "other.example")).isEqualTo("mx.example.org");
    }

    @Test
    void ipv6NetworksAreWrittenInShortForm() throws UnknownHostException {
        assertThat(HostDefaults.ipv6(InetAddress.getByName("fd00:0:0:0:0:0:0:2").getAddress())).isEqualTo("fd00::2");
        assertThat(HostDefaults.ipv6(InetAddress.getByName("::1").getAddress())).isEqualTo("::1");
        assertThat(HostDefaults.ipv6(InetAddress.getByName("2001:db8:0:1:0:0:0:0").getAddress())).isEqualTo("2001:db8:0:1::");
    }

    @Test
    void mynetworksAlwaysIncludesLoopback() {
        for (String style : new String[] {"host", "subnet", "class"}) {
            assertThat(HostDefaults.mynetworks(style).split(" ")).contains("127.0.0.0/8", "[::1]/128");
        }
    }
}
