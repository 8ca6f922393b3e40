package org.bulwark.smtpd;

import org.bulwark.restrict.Decision;
import org.bulwark.restrict.SmtpdContext;
import org.bulwark.restrict.Stage;

/** The session's view of the restrictions: {@code SmtpdRestrictions::check}. */
@FunctionalInterface
public interface RestrictionCheck {

    Decision check(Stage stage, SmtpdContext context);

    /** The check, with PREPEND actions' headers handed to {@code headers}; by default none. */
    default Decision check(Stage stage, SmtpdContext context, java.util.function.Consumer<String> headers) {
        return check(stage, context);
    }

    /** Both calls of {@code restrictions}, headers included. */
    static RestrictionCheck of(org.bulwark.restrict.SmtpdRestrictions restrictions) {
        return new RestrictionCheck() {
            @Override
            public Decision check(Stage stage, SmtpdContext context) {
                return restrictions.check(stage, context);
            }

            @Override
            public Decision check(Stage stage, SmtpdContext context, java.util.function.Consumer<String> headers) {
                return restrictions.check(stage, context, headers);
            }
        };
    }

    /** Accepts everything; for a service without restrictions. */
    RestrictionCheck NONE = (stage, context) -> Decision.PERMIT;
}
