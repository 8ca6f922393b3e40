package org.bulwark.smtpd;

import org.bulwark.restrict.Decision;
import org.bulwark.restrict.SmtpdContext;
import org.bulwark.restrict.Stage;

/**
 * The session's view of the restrictions: {@code SmtpdRestrictions::check}. The decision carries
 * the actions (PREPEND, HOLD, ...) that the session applies to its transaction.
 */
@FunctionalInterface
public interface RestrictionCheck {

    Decision check(Stage stage, SmtpdContext context);

    /** The restrictions of one service. */
    static RestrictionCheck of(org.bulwark.restrict.SmtpdRestrictions restrictions) {
        return restrictions::check;
    }

    /** Accepts everything; for a service without restrictions. */
    RestrictionCheck NONE = (stage, context) -> Decision.PERMIT;
}
