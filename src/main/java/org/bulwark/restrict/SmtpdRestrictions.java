package org.bulwark.restrict;

import org.bulwark.config.Config;

/**
 * All restriction lists of one smtpd service, parsed once from its configuration
 * ({@code smtpd_*_restrictions}, {@code smtpd_relay_restrictions}, {@code smtpd_delay_reject},
 * {@code smtpd_reject_unlisted_recipient}, ...). The session asks it at each stage; the answer is
 * either accepted or a reply to send, with Postfix's codes and texts. With
 * {@code smtpd_delay_reject = yes} (the default) client, helo and sender checks are deferred to
 * RCPT, as Postfix does.
 */
public final class SmtpdRestrictions {

    /** @throws org.bulwark.config.ConfigException for an unknown restriction or bad table */
    public SmtpdRestrictions(Config config) {
        throw new UnsupportedOperationException("not built yet");
    }

    /**
     * Evaluates the stage. For RCPT this runs, in order: the delayed early stages (when
     * smtpd_delay_reject), smtpd_relay_restrictions, smtpd_recipient_restrictions, then the
     * unlisted-recipient check (User unknown in local/virtual recipient table).
     */
    public Decision check(Stage stage, SmtpdContext context) {
        throw new UnsupportedOperationException("not built yet");
    }
}
