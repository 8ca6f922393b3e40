package org.bulwark.smtpd;

import org.bulwark.log.MailLog;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.SmtpReply;

/** A session's maillog lines: plain ones, and Postfix's reject line with the session's facts. */
final class SessionLog {

    private final MailLog.Logger log;
    private final SessionState state;
    /** A milter refusal already logged as such, so that the caller's reject line is not written too. */
    private SmtpReply loggedByMilter;

    SessionLog(MailLog.Logger log, SessionState state) {
        this.log = log;
        this.state = state;
    }

    void info(String message) {
        log.info(message);
    }

    void warning(String message) {
        log.warning(message);
    }

    /**
     * Postfix's reject line: {@code NOQUEUE: reject: RCPT from host[ip]: 554 5.7.1 <x@y>: Relay
     * access denied; from=<a@b> to=<x@y> proto=ESMTP helo=<h>}, with the queue ID once the message
     * has one.
     */
    void reject(String stage, SmtpReply reply, MailAddress sender, MailAddress recipient) {
        if (reply == loggedByMilter) {
            // The milter's refusal was logged as milter-reject when it was made.
            loggedByMilter = null;
            return;
        }
        line("reject", stage, reply.toString(), sender, recipient);
    }

    /**
     * A milter's refusal: {@code NOQUEUE: milter-reject: RCPT from host[ip]: 550 5.7.1 Command
     * rejected; from=<a@b> to=<x@y> proto=ESMTP helo=<h>}. The caller's own reject line for this
     * reply is then left out.
     */
    void milterRefusal(String stage, SmtpReply reply, MailAddress sender, MailAddress recipient) {
        loggedByMilter = reply;
        line("milter-reject", stage, reply.toString(), sender, recipient);
    }

    /** A milter's other verdicts: {@code milter-discard}, {@code milter-hold}, with their text. */
    void milter(String action, String stage, String text, MailAddress sender, MailAddress recipient) {
        line(action, stage, text, sender, recipient);
    }

    private void line(String action, String stage, String text, MailAddress sender, MailAddress recipient) {
        Transaction transaction = state.transaction();
        String id = transaction != null && transaction.queueId() != null
                ? transaction.queueId().value() : "NOQUEUE";
        StringBuilder b = new StringBuilder(id).append(": ").append(action).append(": ").append(stage).append(" from ")
                .append(state.nameAndAddress()).append(": ").append(text).append(';');
        if (sender != null) {
            b.append(" from=<").append(sender.external()).append('>');
        }
        if (recipient != null) {
            b.append(" to=<").append(recipient.external()).append('>');
        }
        b.append(" proto=").append(state.protocol());
        if (state.helo() != null) {
            b.append(" helo=<").append(state.helo()).append('>');
        }
        log.info(b.toString());
    }
}
