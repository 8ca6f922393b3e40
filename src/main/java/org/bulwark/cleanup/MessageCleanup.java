package org.bulwark.cleanup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.bulwark.log.MailLog;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.SmtpReply;
import org.bulwark.mailauth.MailAuthentication;
import org.bulwark.mailauth.report.HistoryRecorder;
import org.bulwark.mail.QueueId;
import org.bulwark.milter.MessageResult;
import org.bulwark.milter.MilterReply;
import org.bulwark.milter.MilterSession;
import org.bulwark.queue.QueueFileWriter;
import org.bulwark.table.LookupTable;

/** One message between {@link Cleanup#open} and its commit or abort. */
final class MessageCleanup implements CleanupSession {

    private final QueueFileWriter writer;
    private final HeaderStream content;
    private final MailLog.Logger log;
    private final AuthenticationFilter authentication;
    private final MailAuthentication.Enforcement enforcement;
    private final int hopcountLimit;
    private final HistoryRecorder dmarcHistory;
    /** The envelope the queue file was opened with. */
    private final Envelope written;
    /** The envelope to commit, before the milters' changes: {@code written} unless rerouted. */
    private Envelope envelope;
    /** header_checks and body_checks under {@code content}, or null. */
    private final ContentInspector inspector;
    /** The milters that judge the message at commit, and where the content waits for them; or null. */
    private MilterSession milters;
    private MilterStage milterStage;
    /** milter_header_checks, empty for none. */
    private List<LookupTable> milterHeaderTables = List.of();
    /** What milter_header_checks decided of the message, or null. */
    private ContentVerdict milterHeaderVerdict;
    private MilterOutcome milterOutcome;
    /** The envelope with the milters' recipients and sender, or null when they changed neither. */
    private Envelope milterEnvelope;
    private boolean committed;

    /**
     * What a message is checked against on its way into the queue, beside the header and body
     * checks that {@code inspector} applies while it streams.
     *
     * @param authentication the DKIM/DMARC filter under the content, or null for mail that is neither
     *                       signed nor checked
     * @param hopcountLimit  the most Received headers the content may bring; 0 for no limit
     * @param dmarcHistory   where checked messages are recorded for DMARC aggregate reports, or null
     * @param inspector      header_checks and body_checks, or null when they are off for this mail
     */
    record Checks(AuthenticationFilter authentication, MailAuthentication.Enforcement enforcement,
                  int hopcountLimit, HistoryRecorder dmarcHistory, ContentInspector inspector) {
    }

    MessageCleanup(QueueFileWriter writer, HeaderStream content, MailLog.Logger log, Envelope envelope, Checks checks) {
        this.writer = writer;
        this.content = content;
        this.log = log;
        this.authentication = checks.authentication();
        this.enforcement = checks.enforcement();
        this.hopcountLimit = checks.hopcountLimit();
        this.dmarcHistory = checks.dmarcHistory();
        this.written = envelope;
        this.envelope = envelope;
        this.inspector = checks.inspector();
    }

    /** Has these milters judge the message at commit; {@code stage} holds the content back for them. */
    MessageCleanup judgedBy(MilterSession session, MilterStage stage, List<LookupTable> headerChecks) {
        this.milters = session;
        this.milterStage = stage;
        this.milterHeaderTables = headerChecks;
        return this;
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
            if (milterStage != null && !milters()) {
                committed = true;
                return writer.id();
            }
            if (authentication != null) {
                enforce(authentication.finish());
            }
            if (verdict != null && verdict.hold()) {
                writer.holdOnCommit();
            }
            // The milters' recipients and sender first, then the checks' FILTER, REDIRECT and BCC on them.
            Envelope routed = milterEnvelope != null ? milterEnvelope : envelope;
            if (verdict != null && verdict.routes()) {
                routed = verdict.apply(routed);
            }
            if (milterHeaderVerdict != null && milterHeaderVerdict.routes()) {
                routed = milterHeaderVerdict.apply(routed);
            }
            if (routed != written) {
                writer.replaceEnvelope(routed);
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
            if (milterStage != null) {
                milterStage.discard();
            }
        }
        committed = true;
        return writer.id();
    }

    /**
     * The milters judge the message (Postfix's cleanup_milter.c): a refusal throws, a discard
     * removes the file (false), else their edits are made as the content goes on to the DKIM
     * filter and the queue file, and a quarantine puts the message on hold.
     */
    private boolean milters() throws IOException {
        MilterHeaderChecks headerChecks = milterHeaderTables.isEmpty() ? null
                : new MilterHeaderChecks(milterHeaderTables, log, writer.id(), envelope);
        MilterEdits edits = new MilterEdits(milterStage.holding() ? milterStage.fields() : List.of(), envelope,
                headerChecks);
        MessageResult result = milterStage.judge(milters, edits);
        MilterReply reply = result.reply();
        if (milterStage.contentEditsDropped()) {
            log.warning(CleanupTexts.milterContentEditsDropped(writer.id()));
        }
        if (headerChecks != null && headerChecks.decided()) {
            // milter_header_checks refused or dropped the message; each action was logged as it fired.
            result.discardEdits();
            edits.close();
            if (headerChecks.verdict().reject() != null) {
                throw new MessageRejectedException(headerChecks.verdict().reject(), true);
            }
            writer.abort();
            return false;
        }
        if (!reply.proceeds()) {
            result.discardEdits();
            edits.close();
            switch (reply) {
                case MilterReply.Reject(SmtpReply r) -> throw MessageRejectedException.byMilter(r);
                case MilterReply.TempFail(SmtpReply r) -> throw MessageRejectedException.byMilter(r);
                case MilterReply.Shutdown(SmtpReply r) -> throw MessageRejectedException.byMilter(r);
                default -> {
                    writer.abort();
                    milterOutcome = MilterOutcome.DISCARDED;
                    return false;
                }
            }
        }
        if (edits.changedEnvelope() != null && edits.changedEnvelope().recipients().isEmpty()) {
            // Every recipient deleted: nobody is left to deliver to, as Postfix's queue manager
            // finds such a file done at once.
            edits.close();
            writer.abort();
            milterOutcome = MilterOutcome.DISCARDED;
            return false;
        }
        try (InputStream body = edits.replacementBody()) {
            milterStage.writeOut(edits.fields(), body);
        } finally {
            edits.close();
        }
        milterEnvelope = edits.changedEnvelope();
        if (headerChecks != null) {
            milterHeaderVerdict = headerChecks.verdict();
            if (milterHeaderVerdict.hold()) {
                writer.holdOnCommit();
            }
        }
        String hold = edits.quarantine() != null ? edits.quarantine()
                : reply instanceof MilterReply.Quarantine(String reason) ? reason : null;
        if (hold != null) {
            writer.holdOnCommit(hold);
            milterOutcome = new MilterOutcome(MilterOutcome.Kind.HELD, hold);
        } else {
            milterOutcome = MilterOutcome.QUEUED;
        }
        return true;
    }

    @Override
    public MilterOutcome milterOutcome() {
        return milterOutcome;
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
    public void reroute(Envelope rerouted) {
        envelope = rerouted;
    }

    @Override
    public void abort() {
        if (authentication != null) {
            authentication.discard();
        }
        if (milterStage != null) {
            milterStage.discard();
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
