package org.bulwark.master;

import java.io.IOException;
import java.time.Duration;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.mailauth.report.DmarcReporter;
import org.bulwark.pickup.Maildrop;
import org.bulwark.queue.MailQueue;
import org.bulwark.util.WakeLoop;

/**
 * Sends DMARC aggregate reports once per {@code dmarc_report_interval} while the server runs
 * (dmarc_report_enable). The reports go into maildrop/, so pickup queues them like mail from
 * {@code bulwark sendmail}; the time of the last run is kept under data_directory, so a restart
 * does not start the interval over.
 */
final class DmarcReportTimer implements AutoCloseable {

    /** Wakes at least this often, so a shorter interval after a reload or a clock change is noticed. */
    private static final Duration LONGEST_SLEEP = Duration.ofMinutes(1);
    private static final Duration SHORTEST_SLEEP = Duration.ofSeconds(1);

    private final DmarcReporter reporter;
    private final MailQueue queue;
    private final MailLog.Logger log;
    private WakeLoop loop;
    /** Whether the first run was made; read and written by the loop's thread alone. */
    private boolean ranOnce;

    private DmarcReportTimer(DmarcReporter reporter, MailQueue queue, MailLog.Logger log) {
        this.reporter = reporter;
        this.queue = queue;
        this.log = log;
    }

    /** @return the running timer, or null when dmarc_report_enable is off */
    static DmarcReportTimer start(Config main, MailQueue queue, MailLog log) {
        if (!main.bool("dmarc_report_enable")) {
            return null;
        }
        DmarcReportTimer timer = new DmarcReportTimer(DmarcReporter.create(main), queue, log.program("dmarc"));
        timer.loop = new WakeLoop("dmarc-report", timer::nextWait, timer::round).start();
        return timer;
    }

    /** The first run of all only starts the first interval; later ones run when it is due. */
    private void round(boolean woken) {
        if (!ranOnce || reporter.untilDue().isZero()) {
            ranOnce = true;
            runOnce();
        }
    }

    /** At least a second: a run that found another under way leaves the report due. */
    private Duration nextWait() {
        return Duration.ofMillis(Math.clamp(reporter.untilDue().toMillis() + 1, SHORTEST_SLEEP.toMillis(),
                LONGEST_SLEEP.toMillis()));
    }

    private void runOnce() {
        try {
            DmarcReporter.Outcome outcome = reporter.run(false, false,
                    (sender, recipients, message) -> Maildrop.submit(queue.maildrop(), sender, recipients, message));
            if (outcome.ran()) {
                for (DmarcReporter.Note note : outcome.notes()) {
                    if (note.warning()) {
                        log.warning(note.text());
                    } else {
                        log.info(note.text());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warning(MasterTexts.dmarcReportFailed(String.valueOf(e.getMessage())));
        }
    }

    /** Stops the timer; a run under way finishes first. */
    @Override
    public void close() {
        loop.stop();
    }
}
