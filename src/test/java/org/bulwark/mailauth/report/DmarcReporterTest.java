package org.bulwark.mailauth.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import org.bulwark.dns.DnsResolver;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history file and the report runs, on a real data directory; DNS from the test server. */
class DmarcReporterTest {

    @TempDir
    Path data;

    private TestDnsServer dns;
    private DmarcReporter reporter;
    private final List<String> sent = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        dns = TestDnsServer.start();
        reporter = new DmarcReporter(new DmarcReporter.Settings("example.net", "postmaster@example.net",
                Duration.ofHours(24), data), DnsResolver.create(List.of(dns.address())), UnaryOperator.identity(),
                Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private static HistoryLine line(String ip, String dkim) {
        return new HistoryLine(1_700_000_000L, ip, "example.org",
                new HistoryLine.Policy("example.org", "reject", "reject", 100, "r", "r", "mailto:dmarc@example.org!1m"),
                "none", dkim, "fail", "", List.of(new HistoryLine.Signature("example.org", "s1", dkim)),
                "example.org", "mfrom", "softfail", "example.org");
    }

    private void submit(String sender, List<String> recipients, byte[] message) {
        sent.add(sender + " -> " + recipients + "\n" + new String(message, StandardCharsets.UTF_8));
    }

    @Test
    void aLineTornByACrashIsSkippedWithAWarningAndTheNextLineStandsAlone() throws Exception {
        DmarcHistory history = DmarcHistory.in(data);
        history.append(line("192.0.2.1", "pass"));
        String whole = line("192.0.2.2", "pass").format();
        Files.writeString(history.file(), whole.substring(0, whole.length() / 2), java.nio.file.StandardOpenOption.APPEND);
        history.append(line("192.0.2.3", "fail"));

        DmarcReporter.Outcome outcome = reporter.run(true, true, this::submit);

        assertThat(outcome.notes()).anyMatch(n -> n.warning() && n.text().contains("skipped 1 incomplete line"));
        String xml = outcome.reports().getFirst().xml();
        assertThat(xml).contains("<source_ip>192.0.2.1</source_ip>").contains("<source_ip>192.0.2.3</source_ip>")
                .doesNotContain("192.0.2.2");
        assertThat(sent).isEmpty();
    }

    @Test
    void aReportThatCannotBeQueuedIsKeptForTheNextRun() throws Exception {
        DmarcHistory history = DmarcHistory.in(data);
        history.append(line("192.0.2.1", "pass"));

        DmarcReporter.Outcome failed = reporter.run(true, false, (s, r, m) -> {
            throw new IOException("maildrop is full");
        });
        assertThat(failed.notes()).anyMatch(n -> n.warning() && n.text().contains("maildrop is full"));
        assertThat(failed.queued()).isZero();
        history.append(line("192.0.2.2", "fail"));

        DmarcReporter.Outcome retried = reporter.run(true, false, this::submit);

        assertThat(retried.queued()).isEqualTo(1);
        assertThat(sent).hasSize(1);
        assertThat(sent.getFirst()).startsWith("postmaster@example.net -> [dmarc@example.org]")
                .contains("Subject: Report Domain: example.org Submitter: example.net Report-ID: <");
        assertThat(retried.reports().getFirst().xml()).contains("192.0.2.1").contains("192.0.2.2");
        assertThat(history.pendingFiles()).isEmpty();
        assertThat(Files.size(history.file())).isZero();
    }

    @Test
    void withoutNowAReportWaitsForTheInterval() throws Exception {
        DmarcHistory.in(data).append(line("192.0.2.1", "pass"));

        DmarcReporter.Outcome first = reporter.run(false, false, this::submit);
        DmarcReporter.Outcome second = reporter.run(false, false, this::submit);

        assertThat(first.ran()).isFalse();
        assertThat(second.ran()).isFalse();
        assertThat(second.notes()).anyMatch(n -> n.text().contains("not due before"));
        assertThat(sent).isEmpty();
        assertThat(reporter.run(true, false, this::submit).queued()).isEqualTo(1);
    }

    @Test
    void appendsFromManyThreadsDuringRunsLoseNoLine() throws Exception {
        DmarcHistory history = DmarcHistory.in(data);
        int threads = 8;
        int perThread = 200;
        List<String> reported = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        history.append(line("10.0." + thread + "." + i, "pass"));
                    }
                    return null;
                });
            }
            for (int run = 0; run < 5; run++) {
                reporter.run(true, false, (s, r, m) -> reported.add(new String(m, StandardCharsets.UTF_8)));
            }
        }
        reporter.run(true, false, (s, r, m) -> reported.add(new String(m, StandardCharsets.UTF_8)));

        int total = 0;
        for (String message : reported) {
            total += countRows(message);
        }
        assertThat(total).isEqualTo(threads * perThread);
    }

    /** Every source address is its own row with count 1; the rows are counted in the XML. */
    private int countRows(String message) throws IOException {
        String base64 = message.substring(message.indexOf("filename=\""));
        base64 = base64.substring(base64.indexOf("\n\n") + 2, base64.indexOf("\n\n--"));
        byte[] gz = java.util.Base64.getMimeDecoder().decode(base64);
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            String xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return xml.split("<count>1</count>", -1).length - 1;
        }
    }

    @Test
    void ruaUrisCarryTheirSizeLimits() {
        List<ReportUri> uris = ReportUri.parseList("mailto:a@example.org!10m, mailto:b%21x@example.org!20k,"
                + "https://example.org/r, mailto:c@example.org!, mailto:d@example.org!50");

        assertThat(uris).extracting(ReportUri::address).containsExactly("a@example.org", "b!x@example.org", "", "d@example.org");
        assertThat(uris).extracting(ReportUri::maxBytes).containsExactly(10L << 20, 20L << 10, Long.MAX_VALUE, 50L);
        assertThat(uris.get(2).isMailto()).isFalse();
    }
}
