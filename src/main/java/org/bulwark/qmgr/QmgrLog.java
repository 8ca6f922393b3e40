package org.bulwark.qmgr;

import java.time.Duration;
import java.time.Instant;
import org.bulwark.log.MailLog;
import org.bulwark.mail.MailAddress;
import org.bulwark.queue.DeliveryReport;
import org.bulwark.queue.QueuedMessage;

/**
 * The queue manager's maillog lines and reasons, worded once, in Postfix's form so that pflogsumm
 * reads them: {@code from=<...>, size=N, nrcpt=N (queue active)}, the per-recipient
 * {@code to=<...>, relay=..., delay=..., delays=..., dsn=..., status=...} lines (logged under the
 * transport's name, as Postfix's delivery agents do) and {@code removed}.
 */
final class QmgrLog {

    /** A transport that master.cf (or our wiring) does not provide; Postfix's qmgr text. */
    static final String TRANSPORT_UNAVAILABLE = "mail transport unavailable";
    /** An agent that threw or left a recipient unreported; Postfix's text for a crashed agent. */
    static final String AGENT_FAILURE = "unknown mail transport error";
    static final String RESOLVER_FAILURE = "address resolver failure";
    static final String DSN_TEMPORARY = "4.3.0";
    static final String DSN_UNDELIVERABLE = "5.1.1";
    static final String RELAY_NONE = "none";
    static String suspended(String reason) {
        return "delivery temporarily suspended: " + reason;
    }

    static String verifyServiceFailure(String service) {
        return service + " service failure";
    }

    static final String DOUBLE_BOUNCE_DISCARDED = "postmaster non-delivery notification discarded";
    /** Postfix's reason for the recipients of a message that stayed too long in the queue. */
    static final String EXPIRED_PREFIX = "message delivery time expired: ";

    private final MailLog log;
    private final MailLog.Logger qmgr;

    QmgrLog(MailLog log) {
        this.log = log;
        this.qmgr = log.program("qmgr");
    }

    /** Holds this thread's maillog lines until closed; see {@link MailLog#hold()}. */
    MailLog.Hold hold() {
        return log.hold();
    }

    void queueActive(QueuedMessage message) {
        qmgr.info(message.id() + ": from=<" + message.envelope().sender().external() + ">, size="
                + message.contentSize() + ", nrcpt=" + message.recipients().size() + " (queue active)");
    }

    void removed(QueuedMessage message) {
        qmgr.info(message.id() + ": removed");
    }

    /** Postfix's qmgr line when the deferred recipients of a too old message are returned. */
    void expired(QueuedMessage message) {
        qmgr.info(message.id() + ": from=<" + message.envelope().sender().external()
                + ">, status=expired, returned to sender");
    }

    /** Notices are the bounce service's lines, as in Postfix. */
    void bounceInfo(String text) {
        log.program("bounce").info(text);
    }

    void warning(String text) {
        qmgr.warning(text);
    }

    /** When the message reached each stage, for {@code delay=} and {@code delays=}. */
    record Timing(Instant arrival, Instant activeArrival, Instant handoff, Instant done) {
    }

    void delivery(String transport, QueuedMessage message, DeliveryReport.Outcome outcome, Timing t) {
        log.program(transport).info(format(message, outcome, statusWord(outcome.status()), t));
    }

    private static String format(QueuedMessage message, DeliveryReport.Outcome outcome, String status, Timing t) {
        MailAddress to = outcome.target().address();
        String original = originalRecipient(outcome);
        StringBuilder line = new StringBuilder()
                .append(message.id()).append(": to=<").append(to.external()).append('>');
        if (original != null && !original.equalsIgnoreCase(to.external())) {
            line.append(", orig_to=<").append(original).append('>');
        }
        Duration delay = Duration.between(t.arrival(), t.done());
        Duration before = Duration.between(t.arrival(), t.activeArrival());
        Duration inQmgr = Duration.between(t.activeArrival(), t.handoff() != null ? t.handoff() : t.done());
        Duration transmission = t.handoff() != null ? Duration.between(t.handoff(), t.done()) : Duration.ZERO;
        line.append(", relay=").append(outcome.relay())
                .append(", delay=").append(DelayFormat.seconds(delay))
                .append(", delays=").append(DelayFormat.delays(before, inQmgr, Duration.ZERO, transmission))
                .append(", dsn=").append(outcome.dsn())
                .append(", status=").append(status)
                .append(" (").append(outcome.text()).append(')');
        return line.toString();
    }

    /**
     * A probe's line, as Postfix's verify_append logs it in the delivery agent: the agent's
     * fields with {@code status=deliverable} or {@code status=undeliverable} (perhaps
     * {@code undeliverable-but-not-cached}) in place of sent, deferred or bounced.
     */
    void probe(String transport, QueuedMessage message, DeliveryReport.Outcome outcome, String statusWord, Timing t) {
        log.program(transport).info(format(message, outcome, statusWord, t));
    }

    private static String originalRecipient(DeliveryReport.Outcome outcome) {
        var recipient = outcome.target().recipient().recipient();
        if (recipient.originalRecipient() != null && !recipient.originalRecipient().isEmpty()) {
            return stripOrcptType(recipient.originalRecipient());
        }
        return recipient.address().external();
    }

    /** An RFC 3461 ORCPT is {@code rfc822;addr}; the log shows the address alone. */
    private static String stripOrcptType(String orcpt) {
        int semi = orcpt.indexOf(';');
        return semi > 0 && orcpt.regionMatches(true, 0, "rfc822", 0, semi) ? orcpt.substring(semi + 1) : orcpt;
    }

    private static String statusWord(DeliveryReport.Status status) {
        return switch (status) {
            case SENT -> "sent";
            case DEFERRED -> "deferred";
            case BOUNCED -> "bounced";
        };
    }
}
