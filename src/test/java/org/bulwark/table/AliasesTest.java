package org.bulwark.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bulwark.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AliasesTest {

    @TempDir
    Path dir;

    @Test
    void readsAliasesWithContinuationIncludesAndQuotedNames() throws IOException {
        Files.writeString(dir.resolve("aliases"), """
                # See aliases(5)
                postmaster: root
                Root:   alice,
                        bob@example.net
                staff: :include:/etc/postfix/staff.list
                "john smith": john
                pipe: "|/usr/bin/filter -x"
                """);

        LookupTable table = LookupTables.openAliases("hash:aliases", dir);

        assertThat(table.find("postmaster")).contains("root");
        assertThat(table.find("root")).contains("alice, bob@example.net");
        assertThat(table.find("staff")).contains(":include:/etc/postfix/staff.list");
        assertThat(table.find("john smith")).contains("john");
        assertThat(table.find("pipe")).contains("\"|/usr/bin/filter -x\"");
        assertThat(table.find("nobody")).isEmpty();
    }

    @Test
    void reportsALineWithoutColon() throws IOException {
        Files.writeString(dir.resolve("aliases"), "root alice\n");

        assertThatThrownBy(() -> LookupTables.openAliases("hash:aliases", dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 1: bad line");
    }

    @Test
    void opensOtherTypesAsOrdinaryTables() {
        assertThat(LookupTables.openAliases("static:root", dir).find("anyone")).contains("root");
    }
}
