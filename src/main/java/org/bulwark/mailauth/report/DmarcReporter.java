package org.bulwark.mailauth.report;

import java.io.IOException;
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
import java.util.function.UnaryOperator;
import org.bulwark.config.Config;
import org.bulwark.dns.DnsResolver;
import org.bulwark.dns.DnsResult;
import org.bulwark.mailauth.PublicSuffixList;
import org.bulwark.util.ReportSchedule;

/**
 * Sends the aggregate reports (RFC 7489 §7.2), as opendmarc-reports does: takes the history's
 * lines, groups them by policy domain, and queues one report per domain to the rua= addresses
 * that may have it (§7.1) and take its size. Lines leave the history once their report is queued;
 * a crash between the queueing and that removal sends the report a second time at the next run.
 * One run at a time, across processes (the server's timer and {@code bulwark dmarc report}).
 */
public final class DmarcReporter {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Hands a finished report message to the queue (through the maildrop, as sendmail does). */
    @FunctionalInterface
    public interface Submission {
        void submit(String sender, List<String> recipients, byte[] message) throws IOException;
    }

    /** One line for the log or the terminal. */
    public record Note(boolean warning, String text) {
    }

    /** A report built in a run; {@code xml} is kept for a dry run's output. */
    public record Report(String policyDomain, String fileName, List<String> recipients, String xml) {
    }

    /** What a run did; {@code ran} is false when it was not due or another run was under way. */
    public record Outcome(boolean ran, List<Note> notes, List<Report> reports, int queued) {
    }

    /** @param interval how often reports go out (dmarc_report_interval) */
    public record Settings(String orgName, String email, Duration interval, Path dataDirectory) {

        public static Settings of(Config config) {
            return new Settings(config.get("dmarc_report_org_name").strip(), config.get("dmarc_report_email").strip(),
                    config.time("dmarc_report_interval"), Path.of(config.get("data_directory").strip()));
        }
    }

    private final Settings settings;
    private final DnsResolver dns;
    private final UnaryOperator<String> organizational;
    private final Clock clock;
    private final DmarcHistory history;
    private final ReportSchedule schedule;
    private final List<Note> setupNotes = new ArrayList<>();

    public DmarcReporter(Settings settings, DnsResolver dns, UnaryOperator<String> organizational, Clock clock) {
        this.settings = settings;
        this.dns = dns;
        this.organizational = organizational;
        this.clock = clock;
        this.history = DmarcHistory.in(settings.dataDirectory());
        this.schedule = new ReportSchedule(history.lines(), "dmarc.report", settings.interval(), clock);
    }

    /** From main.cf: its DNS servers and the Public Suffix List DMARC uses. */
    public static DmarcReporter create(Config config) {
        UnaryOperator<String> organizational;
        String problem = null;
        try {
            PublicSuffixList list = PublicSuffixList.load(Path.of(config.get("public_suffix_list").strip()));
            organizational = list::organizationalDomain;
        } catch (IOException e) {
            // Without the list only an identical domain counts as the same: more destinations need authorization, none less.
            organizational = UnaryOperator.identity();
            problem = e.getMessage();
        }
        DmarcReporter reporter = new DmarcReporter(Settings.of(config), DnsResolver.create(config), organizational,
                Clock.systemUTC());
        if (problem != null) {
            reporter.setupNotes.add(new Note(true, ReportTexts.noPublicSuffixList(problem)));
        }
        return reporter;
    }

    public Settings settings() {
        return settings;
    }

    /** How long until the next report is due; zero when it is due now. */
    public Duration untilDue() {
        return schedule.untilDue();
    }

    /**
     * One run: with {@code force}, at once; otherwise only when the interval has passed since the
     * last run (the first run starts the first interval). A dry run builds the reports and says
     * where they would go, but queues nothing and takes nothing out of the history. One run at a
     * time, across processes; a run that finds another under way for 30 seconds gives up.
     */
    public Outcome run(boolean force, boolean dryRun, Submission submission) throws IOException {
        List<Note> notes = new ArrayList<>(setupNotes);
        return schedule.exclusively(() -> runLocked(force, dryRun, submission, notes)).orElseGet(() -> {
            notes.add(new Note(true, ReportTexts.busy()));
            return new Outcome(false, notes, List.of(), 0);
        });
    }

    private Outcome runLocked(boolean force, boolean dryRun, Submission submission, List<Note> notes) throws IOException {
        Instant now = clock.instant();
        if (!force && !dryRun && !schedule.due(now)) {
            notes.add(new Note(false, ReportTexts.notDue(schedule.nextRun(now))));
            return new Outcome(false, notes, List.of(), 0);
        }
        List<Path> sources;
        DmarcHistory.Lines read;
        if (dryRun) {
            sources = List.of();
            read = history.readAll();
        } else {
            history.takeLiveLines();
            sources = history.pendingFiles();
            List<HistoryLine> lines = new ArrayList<>();
            int torn = 0;
            for (Path source : sources) {
                DmarcHistory.Lines r = DmarcHistory.read(source);
                lines.addAll(r.lines());
                torn += r.torn();
            }
            read = new DmarcHistory.Lines(lines, torn);
        }
        if (read.torn() > 0) {
            notes.add(new Note(true, ReportTexts.tornLines(read.torn(), history.file().toString())));
        }
        Map<String, List<HistoryLine>> byDomain = new LinkedHashMap<>();
        for (HistoryLine line : read.lines()) {
            byDomain.computeIfAbsent(line.policy().domain(), d -> new ArrayList<>()).add(line);
        }
        List<Report> reports = new ArrayList<>();
        List<HistoryLine> remaining = new ArrayList<>();
        int queued = 0;
        for (Map.Entry<String, List<HistoryLine>> e : byDomain.entrySet()) {
            Result result = report(e.getKey(), e.getValue(), now, dryRun, submission, notes, reports);
            if (result == Result.KEEP) {
                remaining.addAll(e.getValue());
            } else if (result == Result.QUEUED) {
                queued++;
            }
        }
        if (byDomain.isEmpty()) {
            notes.add(new Note(false, ReportTexts.nothingToReport()));
        }
        if (!dryRun) {
            history.replacePending(sources, remaining);
            schedule.markRun(now);
        }
        return new Outcome(true, notes, reports, queued);
    }

    private enum Result { QUEUED, DROPPED, KEEP }

    private Result report(String domain, List<HistoryLine> lines, Instant now, boolean dryRun, Submission submission,
                          List<Note> notes, List<Report> reports) {
        HistoryLine.Policy policy = lines.getLast().policy();
        List<ReportUri> uris = ReportUri.parseList(policy.rua());
        if (uris.isEmpty()) {
            notes.add(new Note(false, ReportTexts.noRua(domain, lines.size())));
            return Result.DROPPED;
        }
        String receiver = domainOf(settings.email());
        String reportId = now.getEpochSecond() + "." + HexFormat.of().formatHex(randomBytes()) + "@" + receiver;
        AggregateReport report = AggregateReport.of(settings.orgName(), settings.email(), receiver, reportId,
                now.getEpochSecond(), lines);
        int size = report.gzip().length;
        List<String> recipients = new ArrayList<>();
        for (ReportUri uri : uris) {
            if (!uri.isMailto()) {
                notes.add(new Note(false, ReportTexts.notMailto(domain, uri.uri())));
                continue;
            }
            Authorization authorization = authorized(domain, uri);
            if (authorization == Authorization.UNKNOWN) {
                notes.add(new Note(true, ReportTexts.authorizationUnknown(domain, uri.address(), verificationName(domain, uri))));
                return Result.KEEP;
            }
            if (authorization == Authorization.REFUSED) {
                notes.add(new Note(false, ReportTexts.notAuthorized(domain, uri.address(), verificationName(domain, uri))));
                continue;
            }
            if (size > uri.maxBytes()) {
                notes.add(new Note(false, ReportTexts.tooLarge(domain, uri.address(), size, uri.maxBytes())));
                continue;
            }
            if (!recipients.contains(uri.address())) {
                recipients.add(uri.address());
            }
        }
        reports.add(new Report(domain, report.fileName(), recipients, report.xml()));
        if (dryRun) {
            notes.add(new Note(false, ReportTexts.dryRun(domain, reportId, lines.size(), recipients, report.fileName())));
            return Result.KEEP;
        }
        if (recipients.isEmpty()) {
            return Result.DROPPED;
        }
        byte[] message = ReportMessage.compose(report, settings.email(), recipients, ZonedDateTime.now(clock));
        try {
            submission.submit(settings.email(), recipients, message);
        } catch (IOException | RuntimeException ex) {
            notes.add(new Note(true, ReportTexts.queueFailed(domain, String.valueOf(ex.getMessage()))));
            return Result.KEEP;
        }
        notes.add(new Note(false, ReportTexts.queued(domain, reportId, lines.size(), recipients, size)));
        return Result.QUEUED;
    }

    private enum Authorization { ALLOWED, REFUSED, UNKNOWN }

    /**
     * RFC 7489 §7.1: a destination outside the policy domain's organizational domain must publish
     * {@code <policy-domain>._report._dmarc.<destination-domain>} with {@code v=DMARC1}.
     */
    private Authorization authorized(String domain, ReportUri uri) {
        if (organizational.apply(uri.domain()).equals(organizational.apply(domain))) {
            return Authorization.ALLOWED;
        }
        DnsResult<String> answer = dns.lookupTxt(verificationName(domain, uri));
        if (answer.isTemporaryFailure()) {
            return Authorization.UNKNOWN;
        }
        boolean allowed = answer.values().stream().anyMatch(t -> t.strip().matches("(?s)v\\s*=\\s*DMARC1\\s*(;.*)?"));
        return allowed ? Authorization.ALLOWED : Authorization.REFUSED;
    }

    private static String verificationName(String domain, ReportUri uri) {
        return domain + "._report._dmarc." + uri.domain();
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? address : address.substring(at + 1);
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return b;
    }
}
