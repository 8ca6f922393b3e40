package org.bulwark.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bulwark.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkListTest {

    @TempDir
    Path dir;

    private static InetAddress ip(String literal) throws IOException {
        return InetAddress.getByName(literal);
    }

    @Test
    void matchesTheGuidesMynetworks() throws IOException {
        NetworkList list = NetworkList.parse(List.of("127.0.0.0/8", "[::ffff:127.0.0.0]/104", "[::1]/128"), dir);

        assertThat(list.matches(ip("127.0.0.1"))).isTrue();
        assertThat(list.matches(ip("127.1.2.3"))).isTrue();
        assertThat(list.matches(ip("::1"))).isTrue();
        assertThat(list.matches(ip("192.0.2.1"))).isFalse();
        assertThat(list.matches(ip("::2"))).isFalse();
    }

    @Test
    void acceptsBareAddressesAndCommaSeparatedValues() throws IOException {
        NetworkList list = NetworkList.parse(List.of("192.0.2.7, 2001:db8::1", "[2001:db8:1::]/48"), dir);

        assertThat(list.matches(ip("192.0.2.7"))).isTrue();
        assertThat(list.matches(ip("192.0.2.8"))).isFalse();
        assertThat(list.matches(ip("2001:db8::1"))).isTrue();
        assertThat(list.matches(ip("2001:db8:1::99"))).isTrue();
    }

    @Test
    void firstMatchWinsWithNegation() throws IOException {
        NetworkList list = NetworkList.parse(List.of("!192.0.2.66", "192.0.2.0/24"), dir);

        assertThat(list.matches(ip("192.0.2.66"))).isFalse();
        assertThat(list.matches(ip("192.0.2.65"))).isTrue();
    }

    @Test
    void readsItemsFromAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("networks"), """
                # trusted networks
                10.0.0.0/8   [2001:db8::]/32
                192.0.2.0/24, 198.51.100.0/24
                """);

        NetworkList list = NetworkList.parse(List.of(file.toString()), dir);

        assertThat(list.matches(ip("10.9.8.7"))).isTrue();
        assertThat(list.matches(ip("198.51.100.200"))).isTrue();
        assertThat(list.matches(ip("2001:db8::5"))).isTrue();
        assertThat(list.matches(ip("172.16.0.1"))).isFalse();
    }

    @Test
    void negatesEveryItemOfANegatedFile() throws IOException {
        Path file = Files.writeString(dir.resolve("excluded"), "10.1.0.0/16\n");

        NetworkList list = NetworkList.parse(List.of("!" + file, "10.0.0.0/8"), dir);

        assertThat(list.matches(ip("10.1.2.3"))).isFalse();
        assertThat(list.matches(ip("10.2.2.3"))).isTrue();
    }

    @Test
    void looksTheAddressUpInATable() throws IOException {
        Files.writeString(dir.resolve("trusted.cidr"), "203.0.113.0/24 anything\n");

        NetworkList list = NetworkList.parse(List.of("cidr:trusted.cidr", "inline:{ 2001:db8::7=yes }"), dir);

        assertThat(list.matches(ip("203.0.113.9"))).isTrue();
        assertThat(list.matches(ip("2001:db8::7"))).isTrue();
        assertThat(list.matches(ip("2001:db8::8"))).isFalse();
    }

    @Test
    void reportsABadItemWithFileAndLine() throws IOException {
        Path file = Files.writeString(dir.resolve("networks"), "10.0.0.0/8\n10.0.0.1/8\n");

        assertThatThrownBy(() -> NetworkList.parse(List.of(file.toString()), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ", line 2: bad network pattern \"10.0.0.1/8\"");
    }

    @Test
    void reportsAHostName() {
        assertThatThrownBy(() -> NetworkList.parse(List.of("mail.example.com"), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad network pattern \"mail.example.com\"");
    }

    @Test
    void writesIpv6AddressesInTheirCompressedForm() throws IOException {
        assertThat(NetworkList.addressText(ip("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(NetworkList.addressText(ip("::1"))).isEqualTo("::1");
        assertThat(NetworkList.addressText(ip("fe80::"))).isEqualTo("fe80::");
        assertThat(NetworkList.addressText(ip("2001:db8:1:2:3:4:5:6"))).isEqualTo("2001:db8:1:2:3:4:5:6");
        assertThat(NetworkList.addressText(ip("192.0.2.1"))).isEqualTo("192.0.2.1");
    }
}
