package org.bulwark.delivery.smtp.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bulwark.dns.DnsResult;
import org.bulwark.util.LineHistory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history line's escaping, the history's size bound, and the _smtp._tls record's grammar. */
class SessionLineTest {

    @TempDir
    Path data;

    @Test
    void valuesFromRemoteServersNeitherSplitALineNorAField() {
        SessionLine line = new SessionLine(1_800_000_000L, "example.org", "validation-failure", "sts", "example.org",
                List.of("version: STSv1", "mode: enforce", "", "50% | more\tand\nmore"), List.of("*.example.org", "-"),
                "mx.example.org", "2001:db8::1", "192.0.2.1", "-");

        String text = line.format();

        assertThat(text).endsWith("\n");
        assertThat(text.substring(0, text.length() - 1)).doesNotContain("\n").doesNotContain("\r");
        assertThat(text.split("\t", -1)).hasSize(13);
        assertThat(SessionLine.parse(text.substring(0, text.length() - 1))).isEqualTo(line);
    }

    @Test
    void emptyValuesComeBackEmpty() {
        SessionLine line = new SessionLine(1L, "example.org", SessionLine.SUCCESS, "no-policy-found", "", List.of(),
                List.of(), "mx.example.org", "", "", "");

        assertThat(SessionLine.parse(line.format().strip())).isEqualTo(line);
    }

    @Test
    void aListOfOneHyphenIsNotAnEmptyList() {
        SessionLine line = new SessionLine(1L, "example.org", SessionLine.SUCCESS, "sts", "example.org", List.of(""),
                List.of("-"), "mx.example.org", "", "", "");

        assertThat(SessionLine.parse(line.format().strip())).isEqualTo(line);
    }

    @Test
    void aTornLineIsRefused() {
        String text = new SessionLine(1L, "example.org", SessionLine.SUCCESS, "tlsa", "mx.example.org",
                List.of("3 1 1 ab"), List.of(), "mx.example.org", "192.0.2.7", "192.0.2.1", "").format();

        assertThatThrownBy(() -> SessionLine.parse(text.substring(0, text.length() / 2)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theHistoryStopsGrowingAtItsBound() throws Exception {
        LineHistory history = LineHistory.in(data, "bounded");

        assertThat(history.append("0123456789\n", 25)).isTrue();
        assertThat(history.append("0123456789\n", 25)).isTrue();
        assertThat(history.append("0123456789\n", 25)).isFalse();
        assertThat(Files.readString(history.file())).isEqualTo("0123456789\n0123456789\n");
        history.takeLiveLines();
        assertThat(history.append("0123456789\n", 25)).isTrue();
    }

    @Test
    void exactlyOneVersionRecordCounts() {
        PolicyRecord.Lookup one = PolicyRecord.from(new DnsResult.Found<>(List.of("v=spf1 -all",
                "v=TLSRPTv1 ; rua=mailto:tls@example.org,https://reports.example.org/v1")));
        assertThat(one).isInstanceOf(PolicyRecord.Lookup.Found.class);
        assertThat(((PolicyRecord.Lookup.Found) one).destinations()).extracting(d -> d.uri())
                .containsExactly("mailto:tls@example.org", "https://reports.example.org/v1");

        assertThat(PolicyRecord.from(new DnsResult.Found<>(List.of("v=TLSRPTv1; rua=mailto:a@example.org",
                "v=TLSRPTv1; rua=mailto:b@example.org")))).isInstanceOf(PolicyRecord.Lookup.None.class);
        assertThat(PolicyRecord.from(new DnsResult.Found<>(List.of("v=TLSRPTv1rua=mailto:a@example.org"))))
                .isInstanceOf(PolicyRecord.Lookup.None.class);
        assertThat(PolicyRecord.from(new DnsResult.TemporaryFailure<>("SERVFAIL")))
                .isInstanceOf(PolicyRecord.Lookup.TryLater.class);
    }
}
