package org.bulwark.smtpd;

import org.bulwark.restrict.Decision;
import org.bulwark.restrict.SmtpdContext;
import org.bulwark.restrict.Stage;

/**
 * The one door through which every stage of a session is judged: connect, HELO, MAIL, RCPT,
 * DATA, end of message, and VRFY and ETRN. Today that is the smtpd restrictions; a milter, which
 * judges the same stages, would be asked here after them, so that the verb handlers need not learn
 * of it. The decision's actions are the caller's to apply to its transaction.
 */
final class SessionChecks {

    private final RestrictionCheck restrictions;

    SessionChecks(RestrictionCheck restrictions) {
        this.restrictions = restrictions;
    }

    /**
     * Asks the restrictions. A HANGUP answer ends the session where it stands, as Postfix's
     * smtpd does with a quiet long jump: the command loop catches {@link Hangup} and closes
     * without a reply.
     */
    Decision check(Stage stage, SmtpdContext context) {
        Decision decision = restrictions.check(stage, context);
        if (decision instanceof Decision.Hangup) {
            throw new Hangup();
        }
        return decision;
    }

    /** Unwinds the session after an access(5) HANGUP; carries no stack trace, it is no error. */
    static final class Hangup extends RuntimeException {
        Hangup() {
            super("hangup", null, false, false);
        }
    }
}
