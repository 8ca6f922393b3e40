package org.bulwark.smtpd;

import org.bulwark.restrict.Decision;
import org.bulwark.restrict.SmtpdContext;
import org.bulwark.restrict.Stage;

/** The session's view of the restrictions: {@code SmtpdRestrictions::check}. */
@FunctionalInterface
public interface RestrictionCheck {

    Decision check(Stage stage, SmtpdContext context);

    /** Accepts everything; for a service without restrictions. */
    RestrictionCheck NONE = (stage, context) -> Decision.PERMIT;
}
