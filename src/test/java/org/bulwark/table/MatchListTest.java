package org.bulwark.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatchListTest {

    @TempDir
    Path dir;

    @Test
    void matchesNamesCaseInsensitively() {
        MatchList list = MatchList.parse(List.of("Example.COM", "localhost"), dir, false);

        assertThat(list.matches("example.com")).isTrue();
        assertThat(list.matches("EXAMPLE.com")).isTrue();
        assertThat(list.matches("LOCALHOST")).isTrue();
        assertThat(list.matches("example.org")).isFalse();
    }

    @Test
    void matchesSubdomainsOfALeadingDotPattern() {
        MatchList list = MatchList.parse(List.of(".example.com"), dir, false);

        assertThat(list.matches("mail.example.com")).isTrue();
        assertThat(list.matches("a.b.example.com")).isTrue();
        assertThat(list.matches("example.com")).isFalse();
    }

    @Test
    void matchesSubdomainsOfAParentOnlyWhenParentsMatchSubdomains() {
        assertThat(MatchList.parse(List.of("example.com"), dir, true).matches("mail.example.com")).isTrue();
        assertThat(MatchList.parse(List.of("example.com"), dir, false).matches("mail.example.com")).isFalse();
        assertThat(MatchList.parse(List.of("example.com"), dir, true).matches("badexample.com")).isFalse();
    }

    @Test
    void firstMatchWinsWithNegation() {
        MatchList list = MatchList.parse(List.of("!private.example.com", ".example.com"), dir, false);

        assertThat(list.matches("private.example.com")).isFalse();
        assertThat(list.matches("public.example.com")).isTrue();
    }

    @Test
    void readsDomainsFromAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("relay"), "# relayed\nexample.net\n.example.org\n");

        MatchList list = MatchList.parse(List.of(file.toString()), dir, false);

        assertThat(list.matches("example.net")).isTrue();
        assertThat(list.matches("x.example.org")).isTrue();
        assertThat(list.matches("example.com")).isFalse();
    }

    @Test
    void matchesDomainsThatAreKeysInATable() throws IOException {
        Files.writeString(dir.resolve("vmailbox"), "example.com whatever\nalice@example.com example.com/alice/\n");

        MatchList list = MatchList.parse(List.of("hash:vmailbox"), dir, false);

        assertThat(list.matches("example.com")).isTrue();
        assertThat(list.matches("mail.example.com")).isFalse();
        assertThat(list.matches("alice")).isFalse();
    }

    @Test
    void keepsInlineTablesWholeWhenTheListWasSplitOnSpaces() {
        MatchList list = MatchList.parse(List.of("inline:{", "example.com=x,", "{", "example.net", "=", "y", "}", "}"),
                dir, false);

        assertThat(list.matches("example.com")).isTrue();
        assertThat(list.matches("example.net")).isTrue();
    }

    @Test
    void followsParentDomainMatchesSubdomainsOfTheParameter() {
        Config defaults = Config.of(Map.of("relay_domains", "example.com", "mydestination", "example.org"));
        Config none = defaults.with(Map.of("parent_domain_matches_subdomains", ""));

        assertThat(MatchList.of(defaults, "relay_domains").matches("sub.example.com")).isTrue();
        assertThat(MatchList.of(defaults, "mydestination").matches("sub.example.org")).isFalse();
        assertThat(MatchList.of(none, "relay_domains").matches("sub.example.com")).isFalse();
    }
}
