package org.bulwark.delivery.smtp.tlsrpt;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.dns.DnsResolver;
import org.bulwark.dns.DnsResult;
import org.bulwark.mailauth.report.ReportUri;
import org.bulwark.tls.HttpsRequest;
import org.bulwark.util.ReportSchedule;

/**
 * Sends the SMTP TLS reports (RFC 8460): takes the history's sessions, groups them by report
 * domain, and sends one gzipped JSON report per domain that publishes a TLS-RPT record, to its
 * mailto: addresses through the queue and to its https: addresses by POST (§5.3, §5.4). Sessions
 * leave the history once one destination took their report; a domain whose destinations all failed
 * keeps them for the next run (for at most {@link #KEEP_AT_MOST}). One run at a time, across
 * processes (the server's timer and {@code bulwark tlsrpt report}).
 */
public final class TlsReporter {

    /** Sessions whose report no destination took are tried again, but not beyond this age. */
    static final Duration KEEP_AT_MOST = Duration.ofDays(7);
    /** The whole POST to one https: destination, connection to answer. */
    private static final Duration POST_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_ANSWER = 64 * 1024;
    private static final String MEDIA_TYPE = "application/tlsrpt+gzip";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Hands a finished report message to the queue (through the maildrop, as sendmail does). */
    @FunctionalInterface
    public interface Submission {
        void submit(String sender, List<String> recipients, byte[] message) throws IOException;
    }

    /** One line for the log or the terminal. */
    public record Note(boolean warning, String text) {
    }

    /** A report built in a run; {@code json} is kept for a dry run's output. */
    public record Report(String domain, String fileName, List<String> destinations, String json) {
    }

    /** What a run did; {@code ran} is false when it was not due or another run was under way. */
    public record Outcome(boolean ran, List<Note> notes, List<Report> reports, int sent) {
    }

    /**
     * @param interval how often reports go out (smtp_tlsrpt_interval)
     * @param caFile   the CAs an https: destination's certificate must chain to (smtp_tls_CAfile; empty: the JDK's)
     */
    public record Settings(String orgName, String email, Duration interval, Path dataDirectory, String caFile) {

        public static Settings of(Config config) {
            return new Settings(config.get("smtp_tlsrpt_org_name").strip(), config.get("smtp_tlsrpt_email").strip(),
                    config.time("smtp_tlsrpt_interval"), Path.of(config.get("data_directory").strip()),
                    config.get("smtp_tls_CAfile").strip());
        }
    }

    private final Settings settings;
    private final DnsResolver dns;
    private final Clock clock;
    private final SessionHistory history;
    private final ReportSchedule schedule;

    public TlsReporter(Settings settings, DnsResolver dns, Clock clock) {
        this.settings = settings;
        this.dns = dns;
        this.clock = clock;
        this.history = SessionHistory.in(settings.dataDirectory());
        this.schedule = new ReportSchedule(history.lines(), "tlsrpt.report", settings.interval(), clock);
    }

    /** From main.cf, with its DNS servers. */
    public static TlsReporter create(Config config) {
        return new TlsReporter(Settings.of(config), DnsResolver.create(config), Clock.systemUTC());
    }

    /** How long until the next report is due; zero when it is due now. */
    public Duration untilDue() {
        return schedule.untilDue();
    }

    /**
     * One run: with {@code force}, at once; otherwise only when the interval has passed since the
     * last run (the first run starts the first interval). A dry run builds the reports and says
     * where they would go, but sends nothing and takes nothing out of the history.
     */
    public Outcome run(boolean force, boolean dryRun, Submission submission) throws IOException {
        List<Note> notes = new ArrayList<>();
        return schedule.exclusively(() -> runLocked(force, dryRun, submission, notes)).orElseGet(() -> {
            notes.add(new Note(true, TlsRptTexts.busy()));
            return new Outcome(false, notes, List.of(), 0);
        });
    }

    private Outcome runLocked(boolean force, boolean dryRun, Submission submission, List<Note> notes)
            throws IOException {
        Instant now = clock.instant();
        if (!force && !dryRun && !schedule.due(now)) {
            notes.add(new Note(false, TlsRptTexts.notDue(schedule.nextRun(now))));
            return new Outcome(false, notes, List.of(), 0);
        }
        List<Path> sources;
        if (dryRun) {
            sources = history.lines().allFiles();
        } else {
            history.lines().takeLiveLines();
            sources = history.lines().pendingFiles();
        }
        SessionHistory.Sessions read = SessionHistory.read(sources);
        if (read.torn() > 0) {
            notes.add(new Note(true, TlsRptTexts.tornLines(read.torn(), history.file().toString())));
        }
        Map<String, List<SessionLine>> byDomain = new LinkedHashMap<>();
        for (SessionLine line : read.lines()) {
            byDomain.computeIfAbsent(line.reportDomain(), d -> new ArrayList<>()).add(line);
        }
        List<Report> reports = new ArrayList<>();
        List<String> remaining = new ArrayList<>();
        long oldest = now.minus(KEEP_AT_MOST).getEpochSecond();
        int sent = 0;
        for (Map.Entry<String, List<SessionLine>> e : byDomain.entrySet()) {
            boolean done = report(e.getKey(), e.getValue(), now, dryRun, submission, notes, reports);
            if (done) {
                sent++;
            } else {
                e.getValue().stream().filter(l -> l.time() >= oldest).forEach(l -> remaining.add(l.format()));
            }
        }
        if (byDomain.isEmpty()) {
            notes.add(new Note(false, TlsRptTexts.nothingToReport()));
        }
        if (!dryRun) {
            history.lines().replacePending(sources, remaining);
            schedule.markRun(now);
        }
        return new Outcome(true, notes, reports, sent);
    }

    /** @return whether the domain's sessions are done with: reported, or not wanted */
    private boolean report(String domain, List<SessionLine> lines, Instant now, boolean dryRun, Submission submission,
                           List<Note> notes, List<Report> reports) {
        PolicyRecord.Lookup lookup = PolicyRecord.from(dns.lookupTxt(PolicyRecord.name(domain)));
        switch (lookup) {
            case PolicyRecord.Lookup.TryLater later -> {
                notes.add(new Note(true, TlsRptTexts.lookupFailed(domain, later.why())));
                return false;
            }
            case PolicyRecord.Lookup.None none -> {
                notes.add(new Note(false, TlsRptTexts.noPolicy(domain, none.why(), lines.size())));
                return true;
            }
            case PolicyRecord.Lookup.Found found -> {
                return send(domain, found, lines, now, dryRun, submission, notes, reports);
            }
        }
    }

    private boolean send(String domain, PolicyRecord.Lookup.Found found, List<SessionLine> lines, Instant now,
                         boolean dryRun, Submission submission, List<Note> notes, List<Report> reports) {
        String submitter = domainOf(settings.email());
        long begin = lines.stream().mapToLong(SessionLine::time).min().orElse(now.getEpochSecond());
        String unique = HexFormat.of().formatHex(randomBytes());
        String reportId = now.getEpochSecond() + "." + unique + "@" + submitter;
        TlsReport report = TlsReport.of(settings.orgName(), settings.email(), submitter, reportId, unique, domain,
                begin, now.getEpochSecond(), lines);
        List<String> mailto = new ArrayList<>();
        List<ReportUri> https = new ArrayList<>();
        for (ReportUri uri : found.destinations()) {
            if (uri.isMailto()) {
                if (!mailto.contains(uri.address())) {
                    mailto.add(uri.address());
                }
            } else if (uri.isHttps()) {
                https.add(uri);
            } else {
                notes.add(new Note(false, TlsRptTexts.unsupportedUri(domain, uri.uri())));
            }
        }
        List<String> destinations = new ArrayList<>(mailto);
        https.forEach(u -> destinations.add(u.uri()));
        reports.add(new Report(domain, report.fileName(), destinations, report.json()));
        if (dryRun) {
            notes.add(new Note(false, TlsRptTexts.dryRun(domain, reportId, report.sessions(), destinations,
                    report.fileName())));
            return false;
        }
        if (destinations.isEmpty()) {
            notes.add(new Note(false, TlsRptTexts.noDestination(domain, found.record())));
            return true;
        }
        byte[] gzip = report.gzip();
        boolean delivered = false;
        if (!mailto.isEmpty()) {
            try {
                submission.submit(settings.email(), mailto,
                        ReportMessage.compose(report, settings.email(), mailto, ZonedDateTime.now(clock)));
                notes.add(new Note(false, TlsRptTexts.queued(domain, reportId, report.sessions(), mailto, gzip.length)));
                delivered = true;
            } catch (IOException | RuntimeException ex) {
                notes.add(new Note(true, TlsRptTexts.queueFailed(domain, String.valueOf(ex.getMessage()))));
            }
        }
        for (ReportUri uri : https) {
            try {
                HttpsRequest.Response answer = post(uri.uri(), gzip);
                if (answer.successful()) {
                    notes.add(new Note(false, TlsRptTexts.posted(domain, reportId, report.sessions(), uri.uri(),
                            answer.status())));
                    delivered = true;
                } else {
                    notes.add(new Note(true, TlsRptTexts.postFailed(domain, uri.uri(), "HTTP " + answer.status())));
                }
            } catch (IOException | IllegalArgumentException ex) {
                notes.add(new Note(true, TlsRptTexts.postFailed(domain, uri.uri(), String.valueOf(ex.getMessage()))));
            }
        }
        if (!delivered) {
            notes.add(new Note(true, TlsRptTexts.nothingDelivered(domain)));
        }
        return delivered;
    }

    /** §5.4: the gzipped report as the body of a POST; the host's addresses come from our resolver. */
    private HttpsRequest.Response post(String uri, byte[] gzip) throws IOException {
        HttpsRequest.Target target = HttpsRequest.Target.parse(uri);
        DnsResult<InetAddress> addresses = dns.lookupAddresses(target.host());
        if (!addresses.isFound()) {
            throw new IOException("no address for " + target.host()
                    + (addresses.isTemporaryFailure() ? " (temporary DNS failure)" : ""));
        }
        return HttpsRequest.trusting(settings.caFile())
                .send("POST", target, addresses.values(), MEDIA_TYPE, gzip, POST_TIMEOUT, MAX_ANSWER);
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? address : address.substring(at + 1);
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return b;
    }
}
