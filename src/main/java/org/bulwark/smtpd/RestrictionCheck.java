package org.bulwark.smtpd;

import org.bulwark.restrict.Decision;
import org.bulwark.restrict.MessageActions;
import org.bulwark.restrict.SmtpdContext;
import org.bulwark.restrict.Stage;

/** The session's view of the restrictions: {@code SmtpdRestrictions::check}. */
@FunctionalInterface
public interface RestrictionCheck {

    Decision check(Stage stage, SmtpdContext context);

    /** The check, with the actions that change the message handed to {@code actions}; by default none. */
    default Decision check(Stage stage, SmtpdContext context, MessageActions actions) {
        return check(stage, context);
    }

    /** Both calls of {@code restrictions}, message actions included. */
    static RestrictionCheck of(org.bulwark.restrict.SmtpdRestrictions restrictions) {
        return new RestrictionCheck() {
            @Override
            public Decision check(Stage stage, SmtpdContext context) {
                return restrictions.check(stage, context);
            }

            @Override
            public Decision check(Stage stage, SmtpdContext context, MessageActions actions) {
                return restrictions.check(stage, context, actions);
            }
        };
    }

    /** Accepts everything; for a service without restrictions. */
    RestrictionCheck NONE = (stage, context) -> Decision.PERMIT;
}
