package org.bulwark.master;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bulwark.config.Config;
import org.bulwark.delivery.smtp.tlsrpt.TlsReporter;
import org.bulwark.log.MailLog;
import org.bulwark.mailauth.report.DmarcReporter;
import org.bulwark.pickup.Maildrop;
import org.bulwark.queue.MailQueue;
import org.bulwark.util.WakeLoop;

/**
 * Sends periodic reports while the server runs: DMARC aggregate reports once per
 * {@code dmarc_report_interval} (dmarc_report_enable) and SMTP TLS reports once per
 * {@code smtp_tlsrpt_interval} (smtp_tlsrpt_enable). Mailed reports go into maildrop/, so pickup
 * queues them like mail from {@code bulwark sendmail}; the time of the last run is kept under
 * data_directory, so a restart does not start the interval over.
 */
final class ReportTimer implements AutoCloseable {

    /** Wakes at least this often, so a shorter interval after a reload or a clock change is noticed. */
    private static final Duration LONGEST_SLEEP = Duration.ofMinutes(1);
    private static final Duration SHORTEST_SLEEP = Duration.ofSeconds(1);

    /** One kind of report: when it is due, and a run that returns its log lines. */
    private interface Reports {
        Duration untilDue();

        /** @return the lines to log, each with whether it is a warning */
        List<Line> run() throws IOException;
    }

    private record Line(boolean warning, String text) {
    }

    private final Reports reports;
    private final MailLog.Logger log;
    private final String failedText;
    private WakeLoop loop;
    /** Whether the first run was made; read and written by the loop's thread alone. */
    private boolean ranOnce;

    private ReportTimer(Reports reports, MailLog.Logger log, String failedText) {
        this.reports = reports;
        this.log = log;
        this.failedText = failedText;
    }

    /** The timers main.cf turns on; none when neither kind of report is enabled. */
    static List<ReportTimer> start(Config main, MailQueue queue, MailLog log) {
        List<ReportTimer> timers = new ArrayList<>();
        if (main.bool("dmarc_report_enable")) {
            DmarcReporter dmarc = DmarcReporter.create(main);
            timers.add(new ReportTimer(new Reports() {
                @Override
                public Duration untilDue() {
                    return dmarc.untilDue();
                }

                @Override
                public List<Line> run() throws IOException {
                    DmarcReporter.Outcome outcome = dmarc.run(false, false, (sender, recipients, message) ->
                            Maildrop.submit(queue.maildrop(), sender, recipients, message));
                    return outcome.ran() ? outcome.notes().stream().map(n -> new Line(n.warning(), n.text())).toList()
                            : List.of();
                }
            }, log.program("dmarc"), "dmarc").begin("dmarc-report"));
        }
        if (main.bool("smtp_tlsrpt_enable")) {
            TlsReporter tlsrpt = TlsReporter.create(main);
            timers.add(new ReportTimer(new Reports() {
                @Override
                public Duration untilDue() {
                    return tlsrpt.untilDue();
                }

                @Override
                public List<Line> run() throws IOException {
                    TlsReporter.Outcome outcome = tlsrpt.run(false, false, (sender, recipients, message) ->
                            Maildrop.submit(queue.maildrop(), sender, recipients, message));
                    return outcome.ran() ? outcome.notes().stream().map(n -> new Line(n.warning(), n.text())).toList()
                            : List.of();
                }
            }, log.program("tlsrpt"), "tlsrpt").begin("tlsrpt-report"));
        }
        return timers;
    }

    private ReportTimer begin(String threadName) {
        loop = new WakeLoop(threadName, this::nextWait, this::round,
                e -> log.warning(MasterTexts.reportFailed(failedText, String.valueOf(e)))).start();
        return this;
    }

    /** The first run of all only starts the first interval; later ones run when it is due. */
    private void round(boolean woken) {
        if (!ranOnce || reports.untilDue().isZero()) {
            ranOnce = true;
            runOnce();
        }
    }

    /** At least a second: a run that found another under way leaves the report due. */
    private Duration nextWait() {
        return Duration.ofMillis(Math.clamp(reports.untilDue().toMillis() + 1, SHORTEST_SLEEP.toMillis(),
                LONGEST_SLEEP.toMillis()));
    }

    private void runOnce() {
        try {
            for (Line line : reports.run()) {
                if (line.warning()) {
                    log.warning(line.text());
                } else {
                    log.info(line.text());
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warning(MasterTexts.reportFailed(failedText, String.valueOf(e.getMessage())));
        }
    }

    /** Stops the timer; a run under way finishes first. */
    @Override
    public void close() {
        loop.stop();
    }
}
