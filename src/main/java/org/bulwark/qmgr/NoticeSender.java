package org.bulwark.qmgr;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bulwark.bounce.Notice;
import org.bulwark.bounce.NoticeKind;
import org.bulwark.bounce.Notices;
import org.bulwark.bounce.RecipientReport;
import org.bulwark.cleanup.Cleanup;
import org.bulwark.cleanup.CleanupSession;
import org.bulwark.mail.QueueId;
import org.bulwark.queue.QueuedMessage;

/**
 * Queues notices through cleanup, as Postfix's bounce daemon does, and logs
 * {@code ID: sender non-delivery notification: NEWID}. Without cleanup (a scheduler exercised on
 * its own) nothing is sent and every call succeeds.
 */
final class NoticeSender {

    private final Notices notices;
    private final Cleanup cleanup;
    private final QmgrLog log;
    private final Clock clock;

    NoticeSender(Notices notices, Cleanup cleanup, QmgrLog log, Clock clock) {
        this.notices = notices;
        this.cleanup = cleanup;
        this.log = log;
        this.clock = clock;
    }

    Notices notices() {
        return notices;
    }

    /** Whether the recipients may now be considered reported: the notice is queued, or none was due. */
    boolean send(NoticeKind kind, QueuedMessage message, List<RecipientReport> reports) {
        if (cleanup == null || reports.isEmpty()) {
            return true;
        }
        Instant now = clock.instant();
        Optional<Notice> prepared = notices.prepare(kind, message, reports, now);
        if (prepared.isEmpty()) {
            if (kind == NoticeKind.FAILURE && notices.isDoubleBounceSender(message.envelope().sender())) {
                log.bounceInfo(message.id() + ": " + QmgrLog.DOUBLE_BOUNCE_DISCARDED);
            }
            return true;
        }
        Notice notice = prepared.get();
        try (CleanupSession session = cleanup.open(notice.envelope())) {
            OutputStream out = session.content();
            notices.write(notice, out, now);
            QueueId created = session.commit();
            log.bounceInfo(message.id() + ": " + notice.logText() + ": " + created);
            return true;
        } catch (IOException | RuntimeException e) {
            log.warning(message.id() + ": cannot queue the " + notice.logText() + ": " + e.getMessage());
            return false;
        }
    }
}
