package org.bulwark.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bulwark.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CidrTableTest {

    @TempDir
    Path dir;

    @Test
    void firstMatchingNetworkWins() throws IOException {
        Files.writeString(dir.resolve("clients.cidr"), """
                # cidr_table(5)
                192.0.2.1        OK
                192.0.2.0/24     REJECT
                [2001:db8::]/32  REJECT ipv6 block
                0.0.0.0/0        DUNNO
                """);

        LookupTable table = LookupTables.open("cidr:clients.cidr", dir);

        assertThat(table.find("192.0.2.1")).contains("OK");
        assertThat(table.find("192.0.2.2")).contains("REJECT");
        assertThat(table.find("2001:db8::25")).contains("REJECT ipv6 block");
        assertThat(table.find("198.51.100.7")).contains("DUNNO");
        assertThat(table.find("::ffff:192.0.2.9")).contains("REJECT");
        assertThat(table.find("2001:db9::1")).isEmpty();
        assertThat(table.find("not-an-address")).isEmpty();
    }

    @Test
    void reportsHostBitsInANetwork() throws IOException {
        Files.writeString(dir.resolve("bad.cidr"), "192.0.2.1/24 REJECT\n");

        assertThatThrownBy(() -> LookupTables.open("cidr:bad.cidr", dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 1: bad line")
                .hasMessageContaining("192.0.2.0/24");
    }
}
