package org.bulwark.cleanup;

import java.io.IOException;
import java.io.OutputStream;
import org.bulwark.log.MailLog;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.SmtpReply;
import org.bulwark.mailauth.MailAuthentication;
import org.bulwark.mailauth.report.HistoryRecorder;
import org.bulwark.mail.QueueId;
import org.bulwark.queue.QueueFileWriter;

/** One message between {@link Cleanup#open} and its commit or abort. */
final class MessageCleanup implements CleanupSession {

    private final QueueFileWriter writer;
    private final HeaderStream content;
    private final MailLog.Logger log;
    private final AuthenticationFilter authentication;
    private final MailAuthentication.Enforcement enforcement;
    private final int hopcountLimit;
    private final HistoryRecorder dmarcHistory;
    private final Envelope envelope;
    /** header_checks and body_checks under {@code content}, or null. */
    private final ContentInspector inspector;
    private boolean committed;

    MessageCleanup(QueueFileWriter writer, HeaderStream content, MailLog.Logger log) {
        this(writer, content, log, null, MailAuthentication.Enforcement.REPORT, 0, null, null, null);
    }

    /**
     * @param authentication the DKIM/DMARC filter under {@code content}, or null
     * @param hopcountLimit the most Received headers the content may bring; 0 for no limit
     * @param dmarcHistory   where checked messages are recorded for DMARC aggregate reports, or null
     */
    MessageCleanup(QueueFileWriter writer, HeaderStream content, MailLog.Logger log,
                   AuthenticationFilter authentication, MailAuthentication.Enforcement enforcement,
                   int hopcountLimit, HistoryRecorder dmarcHistory, Envelope envelope, ContentInspector inspector) {
        this.writer = writer;
        this.content = content;
        this.log = log;
        this.authentication = authentication;
        this.enforcement = enforcement;
        this.hopcountLimit = hopcountLimit;
        this.dmarcHistory = dmarcHistory;
        this.envelope = envelope;
        this.inspector = inspector;
    }

    @Override
    public QueueId queueId() {
        return writer.id();
    }

    @Override
    public OutputStream content() {
        return content;
    }

    @Override
    public QueueId commit() throws IOException {
        if (committed) {
            return writer.id();
        }
        try {
            content.finish();
            if (inspector != null) {
                inspector.finish();
            }
            ContentVerdict verdict = inspector == null ? null : inspector.verdict();
            if (verdict != null && verdict.reject() != null) {
                // Logged by the check that fired; the client hears 550 5.7.1 (or 451 4.7.1) after DATA.
                throw new MessageRejectedException(verdict.reject(), true);
            }
            if (verdict != null && verdict.discarded()) {
                // DISCARD: the client is told the message was queued; nothing is kept.
                writer.abort();
                committed = true;
                return writer.id();
            }
            if (hopcountLimit > 0 && content.receivedCount() > hopcountLimit) {
                // A mail loop (two servers forwarding to each other, a filter reinjecting into
                // itself): refused before it makes another round, as Postfix's hopcount_limit.
                log.warning(CleanupTexts.logTooManyHops(writer.id(), content.receivedCount(), hopcountLimit));
                throw new MessageRejectedException(SmtpReply.of(554, "5.4.0", CleanupTexts.TOO_MANY_HOPS));
            }
            if (authentication != null) {
                enforce(authentication.finish());
            }
            if (verdict != null && verdict.hold()) {
                writer.holdOnCommit();
            }
            if (verdict != null && verdict.routes()) {
                writer.replaceEnvelope(verdict.apply(envelope));
            }
            // Logged before the commit, as Postfix's cleanup does, so it precedes the queue manager's lines.
            log.info(CleanupTexts.logMessageId(writer.id(), content.messageId()));
            writer.commit();
        } catch (IOException | RuntimeException e) {
            writer.abort();
            throw e;
        } finally {
            if (authentication != null) {
                authentication.discard();
            }
        }
        committed = true;
        return writer.id();
    }

    /** RFC 7489 §6.7: a reject policy refuses the message at end of data, when enforcement says so. */
    private void enforce(MailAuthentication.Verdict verdict) throws IOException {
        if (verdict == null) {
            return;
        }
        log.info(CleanupTexts.logAuthentication(writer.id(), verdict.header()));
        boolean reject = verdict.reject(enforcement);
        boolean quarantine = !reject && verdict.quarantine(enforcement);
        if (dmarcHistory != null) {
            String problem = dmarcHistory.record(verdict, envelope.client().address(), envelope.sender(),
                    reject ? "reject" : quarantine ? "quarantine" : "none", envelope.arrival());
            if (problem != null) {
                log.warning(problem);
            }
        }
        if (reject) {
            log.info(CleanupTexts.logDmarcAction(writer.id(), "reject", verdict.dmarc().fromDomain()));
            throw new MessageRejectedException(SmtpReply.of(550, "5.7.1", verdict.rejectText()));
        }
        if (quarantine) {
            // RFC 7489 §6.3: quarantine; here the hold queue, where the administrator decides.
            log.info(CleanupTexts.logDmarcAction(writer.id(), "quarantine", verdict.dmarc().fromDomain()));
            writer.holdOnCommit();
        }
    }

    @Override
    public void hold() {
        writer.holdOnCommit();
    }

    @Override
    public void abort() {
        if (authentication != null) {
            authentication.discard();
        }
        if (!committed) {
            writer.abort();
        }
    }

    @Override
    public void close() {
        abort();
    }
}
