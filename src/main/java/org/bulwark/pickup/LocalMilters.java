package org.bulwark.pickup;

import java.util.List;
import org.bulwark.cleanup.MessageRejectedException;
import org.bulwark.cleanup.MilterOutcome;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.Recipient;
import org.bulwark.milter.MilterFacts;
import org.bulwark.milter.MilterReply;
import org.bulwark.milter.MilterSession;
import org.bulwark.milter.Milters;

/**
 * non_smtpd_milters for locally posted mail: as Postfix's cleanup does for it, the SMTP stages a
 * milter expects are played with the facts at hand (client localhost[127.0.0.1], no HELO, MAIL
 * with the sender, RCPT with each recipient, DATA with the queue ID); the message itself goes to
 * the milters from cleanup, at its commit. A refusal at any stage refuses the message; a milter
 * cannot refuse one recipient of a local submission (Postfix calls that a configuration error).
 */
final class LocalMilters {

    private final Milters milters;
    private final MailLog.Logger log;

    private LocalMilters(Milters milters, MailLog.Logger log) {
        this.milters = milters;
        this.log = log;
    }

    /** The service's non_smtpd_milters, or null when there are none. */
    static LocalMilters of(Config config, MailLog.Logger log) {
        if (config.list("receive_override_options").contains("no_milters")) {
            return null;
        }
        Milters milters = Milters.fromConfig(config, "non_smtpd_milters");
        return milters.isEmpty() ? null : new LocalMilters(milters, log);
    }

    MilterSession open() {
        return milters.open(log);
    }

    /**
     * Connect, MAIL and RCPT. Returns false when a milter discarded the message (logged);
     * throws when one refused it.
     */
    boolean envelope(MilterSession session, Envelope envelope) throws MessageRejectedException {
        if (!judge(session.connect(MilterFacts.Client.local()), "NOQUEUE", "CONNECT", envelope)) {
            return false;
        }
        if (!judge(session.mail(MilterFacts.Address.of(envelope.sender().external()), List.of(), null),
                "NOQUEUE", "MAIL", envelope)) {
            return false;
        }
        for (Recipient r : envelope.recipients()) {
            if (!judge(session.rcpt(MilterFacts.Address.of(r.address().external()), List.of()), "NOQUEUE", "RCPT",
                    envelope)) {
                return false;
            }
        }
        return true;
    }

    /** DATA, with the queue ID; false when a milter discarded the message. */
    boolean data(MilterSession session, String queueId, Envelope envelope) throws MessageRejectedException {
        return judge(session.data(queueId), queueId, "DATA", envelope);
    }

    /** The milters' verdict at the end of the message, as cleanup reports it. */
    void logOutcome(String queueId, MilterOutcome outcome, Envelope envelope) {
        if (outcome != null && outcome.kind() == MilterOutcome.Kind.DISCARDED) {
            log.info(line(queueId, "milter-discard", "END-OF-MESSAGE", PickupTexts.MILTER_DISCARD, envelope));
        } else if (outcome != null && outcome.kind() == MilterOutcome.Kind.HELD) {
            log.info(line(queueId, "milter-hold", "END-OF-MESSAGE", outcome.reason(), envelope));
        }
    }

    /** A refusal at the end of the message. */
    void logRefusal(String queueId, MessageRejectedException e, Envelope envelope) {
        log.info(line(queueId, "milter-reject", "END-OF-MESSAGE", e.reply().text(), envelope));
    }

    private boolean judge(MilterReply reply, String queueId, String stage, Envelope envelope)
            throws MessageRejectedException {
        switch (reply) {
            case MilterReply.Reject(var r) -> throw refused(queueId, stage, r, envelope);
            case MilterReply.TempFail(var r) -> throw refused(queueId, stage, r, envelope);
            case MilterReply.Shutdown(var r) -> throw refused(queueId, stage, r, envelope);
            case MilterReply.Discard d -> {
                log.info(line(queueId, "milter-discard", stage, PickupTexts.MILTER_DISCARD, envelope));
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    private MessageRejectedException refused(String queueId, String stage, org.bulwark.mail.SmtpReply reply,
            Envelope envelope) {
        log.info(line(queueId, "milter-reject", stage, reply.toString(), envelope));
        // One recipient cannot be refused here: the whole message waits, as after Postfix's 4.3.5.
        org.bulwark.mail.SmtpReply scoped = stage.equals("RCPT")
                ? PickupTexts.RECIPIENT_REFUSED : reply;
        return MessageRejectedException.byMilter(scoped);
    }

    private static String line(String queueId, String action, String stage, String text, Envelope envelope) {
        return PickupTexts.milterLine(queueId, action, stage, text, envelope.sender().external());
    }
}
