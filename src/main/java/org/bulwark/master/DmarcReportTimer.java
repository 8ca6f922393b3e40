package org.bulwark.master;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.mailauth.report.DmarcReporter;
import org.bulwark.pickup.Maildrop;
import org.bulwark.queue.MailQueue;

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
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeup = lock.newCondition();
    private boolean closed;
    private Thread thread;

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
        timer.thread = Thread.ofVirtual().name("dmarc-report").start(timer::loop);
        return timer;
    }

    private void loop() {
        runOnce(); // the first run of all only starts the first interval
        while (true) {
            lock.lock();
            try {
                // At least a second: a run that found another under way leaves the report due.
                long wait = Math.clamp(reporter.untilDue().toMillis() + 1, SHORTEST_SLEEP.toMillis(), LONGEST_SLEEP.toMillis());
                if (!closed) {
                    wakeup.await(wait, TimeUnit.MILLISECONDS);
                }
                if (closed) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            if (reporter.untilDue().isZero()) {
                runOnce();
            }
        }
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
        lock.lock();
        try {
            closed = true;
            wakeup.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
