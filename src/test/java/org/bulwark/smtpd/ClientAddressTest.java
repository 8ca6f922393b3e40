package org.bulwark.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    private static String printable(String literal) throws Exception {
        return SmtpSession.printable(InetAddress.getByName(literal));
    }

    @Test
    void logsIpv6AddressesCompressedAsPostfixDoes() throws Exception {
        assertThat(printable("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(printable("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(printable("2001:db8:1:2:3:4:5:6")).isEqualTo("2001:db8:1:2:3:4:5:6");
        assertThat(printable("fe80:0:0:0:0:0:0:0")).isEqualTo("fe80::");
        assertThat(printable("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
    }

    @Test
    void logsIpv4AddressesAsIs() throws Exception {
        assertThat(printable("127.0.0.2")).isEqualTo("127.0.0.2");
    }
}
