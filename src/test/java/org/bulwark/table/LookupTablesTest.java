package org.bulwark.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bulwark.config.ConfigException;
import org.bulwark.mail.MailAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LookupTablesTest {

    @TempDir
    Path dir;

    private Path write(String name, String... lines) throws IOException {
        return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
    }

    @Test
    void readsPostmapSourceWithCommentsAndContinuationLines() throws IOException {
        write("virtual",
                "# virtual aliases",
                "",
                "Info@Example.com   alice@example.net,",
                "    bob@example.net",
                "  # an indented comment is still a comment",
                "@example.org\tcatchall@example.net");

        LookupTable table = LookupTables.open("texthash:virtual", dir);

        assertThat(table.find("info@example.com")).contains("alice@example.net, bob@example.net");
        assertThat(table.find("INFO@EXAMPLE.COM")).contains("alice@example.net, bob@example.net");
        assertThat(table.find("@example.org")).contains("catchall@example.net");
        assertThat(table.find("nobody@example.com")).isEmpty();
        assertThat(table.spec()).isEqualTo("texthash:virtual");
    }

    @Test
    void readsTheTextSourceForIndexedTypesWithoutAPostmapStep() throws IOException {
        Path file = write("access", "spam.example REJECT");

        for (String type : new String[] {"hash", "btree", "lmdb", "dbm", "proxy:hash"}) {
            assertThat(LookupTables.open(type + ":" + file, Path.of("/nonexistent")).find("spam.example"))
                    .as(type).contains("REJECT");
        }
    }

    @Test
    void keepsTheFirstOfDuplicateKeys() throws IOException {
        write("t", "key first", "KEY second");

        assertThat(LookupTables.open("hash:t", dir).find("key")).contains("first");
    }

    @Test
    void reportsALineWithoutValueWithFileAndLine() throws IOException {
        Path file = write("broken", "# comment", "good value", "lonelykey");

        assertThatThrownBy(() -> LookupTables.open("texthash:broken", dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ", line 3: bad line: \"lonelykey\": expected format: key whitespace value")
                .satisfies(e -> assertThat(((ConfigException) e).line()).isEqualTo(3));
    }

    @Test
    void reportsAContinuationLineWithoutAPreviousLine() throws IOException {
        write("broken", "   indented first");

        assertThatThrownBy(() -> LookupTables.open("texthash:broken", dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 1: bad line");
    }

    @Test
    void reportsAMissingFile() {
        assertThatThrownBy(() -> LookupTables.open("hash:/nonexistent/virtual", dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("/nonexistent/virtual: ")
                .hasMessageContaining("not found");
    }

    @Test
    void reportsAnUnknownTypeWithTheSupportedOnes() {
        assertThatThrownBy(() -> LookupTables.open("foo:bar", dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("unknown table type \"foo\" in \"foo:bar\"; supported: ")
                .hasMessageContaining("texthash")
                .hasMessageContaining("pcre");
    }

    @Test
    void reportsASpecWithoutType() {
        assertThatThrownBy(() -> LookupTables.open("/etc/postfix/virtual", dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("expected type:name");
    }

    @Test
    void readsTheFileOnlyWhenOpened() throws IOException {
        write("t", "a 1");
        LookupTable table = LookupTables.open("texthash:t", dir);
        write("t", "a 2");

        assertThat(table.find("a")).contains("1");
        assertThat(LookupTables.open("texthash:t", dir).find("a")).contains("2");
    }

    @Test
    void answersEveryKeyFromAStaticTable() {
        assertThat(LookupTables.open("static:OK", dir).find("anything")).contains("OK");
        assertThat(LookupTables.open("static:{ value with spaces }", dir).find("x")).contains("value with spaces");
    }

    @Test
    void readsAnInlineTable() {
        LookupTable table = LookupTables.open("inline:{ Alice=alice@example.net, { bob = bob with spaces } }", dir);

        assertThat(table.find("alice")).contains("alice@example.net");
        assertThat(table.find("bob")).contains("bob with spaces");
        assertThat(table.find("carol")).isEmpty();
    }

    @Test
    void reportsAnInlineItemWithoutEquals() {
        assertThatThrownBy(() -> LookupTables.open("inline:{ a=b, c }", dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("expected key=value");
    }

    @Test
    void findsAUserInThePasswdFile() {
        LookupTable table = LookupTables.open("unix:passwd.byname", dir);

        assertThat(table.find("root")).hasValueSatisfying(line -> assertThat(line).startsWith("root:"));
        assertThat(table.find("no-such-user-here")).isEmpty();
    }

    @Test
    void findsAddressInVirtualOrder() {
        LookupTable table = LookupTables.open(
                "inline:{ info@example.com=exact, @example.com=catchall, info@=user-only }", dir);

        assertThat(LookupTables.findAddress(table, MailAddress.of("info@Example.COM"))).contains("exact");
        assertThat(LookupTables.findAddress(table, MailAddress.of("sales@example.com"))).contains("catchall");
        assertThat(LookupTables.findAddress(table, MailAddress.of("info@example.org"))).isEmpty();
    }

    @Test
    void findsAddressInAccessOrder() {
        LookupTable table = LookupTables.open(
                "inline:{ boss@example.com=OK, example.com=REJECT, spam.test=DISCARD, postmaster@=OK, <>=DUNNO }",
                dir);

        assertThat(LookupTables.findAccess(table, MailAddress.of("boss@example.com"))).contains("OK");
        assertThat(LookupTables.findAccess(table, MailAddress.of("other@example.com"))).contains("REJECT");
        assertThat(LookupTables.findAccess(table, MailAddress.of("x@mail.example.com"))).contains("REJECT");
        assertThat(LookupTables.findAccess(table, MailAddress.of("x@a.b.spam.test"))).contains("DISCARD");
        assertThat(LookupTables.findAccess(table, MailAddress.of("postmaster@elsewhere.org"))).contains("OK");
        assertThat(LookupTables.findAccess(table, MailAddress.of("x@elsewhere.org"))).isEmpty();
        assertThat(LookupTables.findAccess(table, MailAddress.NULL_SENDER)).contains("DUNNO");
    }

    @Test
    void matchesSubdomainsOnlyWithLeadingDotWhenParentsDoNotMatch() {
        LookupTable table = LookupTables.open("inline:{ example.com=REJECT, .example.net=REJECT }", dir);

        assertThat(LookupTables.findAccess(table, MailAddress.of("x@mail.example.com"), false)).isEmpty();
        assertThat(LookupTables.findAccess(table, MailAddress.of("x@example.com"), false)).contains("REJECT");
        assertThat(LookupTables.findAccess(table, MailAddress.of("x@mail.example.net"), false)).contains("REJECT");
    }

    @Test
    void findsClientAddressesByTheirPrefixes() throws IOException {
        LookupTable table = LookupTables.open(
                "inline:{ 192.0.2=REJECT, 198.51.100.7=OK, { 2001:db8=REJECT v6 }, ::1=OK }", dir);

        assertThat(LookupTables.findNetworkAddress(table, InetAddress.getByName("192.0.2.44"))).contains("REJECT");
        assertThat(LookupTables.findNetworkAddress(table, InetAddress.getByName("198.51.100.7"))).contains("OK");
        assertThat(LookupTables.findNetworkAddress(table, InetAddress.getByName("198.51.100.8"))).isEmpty();
        assertThat(LookupTables.findNetworkAddress(table, InetAddress.getByName("2001:db8::25"))).contains("REJECT v6");
        assertThat(LookupTables.findNetworkAddress(table, InetAddress.getByName("::1"))).contains("OK");
    }
}
