package org.bulwark.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bulwark.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegexpTableTest {

    @TempDir
    Path dir;

    private LookupTable open(String type, String content) throws IOException {
        Files.writeString(dir.resolve("table"), content);
        return LookupTables.open(type + ":table", dir);
    }

    @Test
    void returnsTheKeyItselfForTheLoginMapsPattern() throws IOException {
        LookupTable table = open("pcre", "/^(.*)$/   ${1}\n");

        assertThat(table.find("Alice@Example.com")).contains("Alice@Example.com");
    }

    @Test
    void substitutesNumberedGroupsInBothForms() throws IOException {
        LookupTable table = open("regexp", "/^(.+)@(example\\.com)$/ $2 got $1 and ${1}x $$5\n");

        assertThat(table.find("bob@example.com")).contains("example.com got bob and bobx $5");
    }

    @Test
    void matchesCaseInsensitivelyUnlessTheIFlagToggles() throws IOException {
        LookupTable table = open("pcre", """
                /^EXACT$/i  sensitive
                /^loose$/   insensitive
                """);

        assertThat(table.find("LOOSE")).contains("insensitive");
        assertThat(table.find("EXACT")).contains("sensitive");
        assertThat(table.find("exact")).isEmpty();
    }

    @Test
    void triesRulesInOrderWithNegationAndIfBlocks() throws IOException {
        LookupTable table = open("regexp", """
                if /@example\\.com$/
                /^admin@/      REJECT admins use submission
                !/^[a-z]+@/    REJECT odd local part
                endif
                /^spam/        DISCARD
                """);

        assertThat(table.find("admin@example.com")).contains("REJECT admins use submission");
        assertThat(table.find("x.y@example.com")).contains("REJECT odd local part");
        assertThat(table.find("bob@example.com")).isEmpty();
        assertThat(table.find("admin@example.org")).isEmpty();
        assertThat(table.find("spammer@example.org")).contains("DISCARD");
    }

    @Test
    void nestsIfBlocksInPcreTablesAsHeaderChecksUseThem() throws IOException {
        LookupTable table = open("pcre", """
                if /^Subject:/
                if !/^Subject: \\[list\\]/
                /viagra/       REJECT spam
                endif
                /./            DUNNO
                endif
                !/^(From|To):/ WARN other header
                """);

        assertThat(table.find("Subject: cheap viagra")).contains("REJECT spam");
        assertThat(table.find("Subject: [list] viagra")).contains("DUNNO");
        assertThat(table.find("From: viagra@example.com")).isEmpty();
        assertThat(table.find("X-Mailer: viagra")).contains("WARN other header");
    }

    @Test
    void letsTheDotCrossAFoldedHeadersLineBreakInRegexpButNotInPcre() throws IOException {
        String rule = "/^Subject: a.*b$/ folded\n";

        assertThat(open("regexp", rule).find("Subject: a\n\tb")).contains("folded");
        assertThat(open("regexp", "/^Subject: a.*b$/m folded\n").find("Subject: a\n\tb")).isEmpty();
        assertThat(open("pcre", rule).find("Subject: a\n\tb")).isEmpty();
        assertThat(open("pcre", "/^Subject: a.*b$/s folded\n").find("Subject: a\n\tb")).contains("folded");
    }

    @Test
    void acceptsOtherDelimitersAndContinuationLines() throws IOException {
        LookupTable table = open("pcre", "#comment\n|^a/b$| slash\n   continued\n");

        assertThat(table.find("a/b")).contains("slash continued");
    }

    @Test
    void reportsAGroupOutOfRange() throws IOException {
        assertThatThrownBy(() -> open("pcre", "/^(a)$/ $2\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 1: bad line")
                .hasMessageContaining("$2 is out of range");
    }

    @Test
    void reportsABadPatternWithItsLine() throws IOException {
        assertThatThrownBy(() -> open("pcre", "/ok/ fine\n/(unclosed/ x\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 2: bad line");
    }

    @Test
    void reportsAMissingEndif() throws IOException {
        assertThatThrownBy(() -> open("regexp", "/a/ b\nif /x/\n/y/ z\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("missing endif");
    }

    @Test
    void reportsARuleWithoutResult() throws IOException {
        assertThatThrownBy(() -> open("regexp", "/a/\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no replacement text");
    }
}
