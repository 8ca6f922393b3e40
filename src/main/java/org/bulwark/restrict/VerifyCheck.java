package org.bulwark.restrict;

import org.bulwark.mail.MailAddress;
import org.bulwark.mail.SmtpReply;
import org.bulwark.verify.AddressVerifier;

/**
 * reject_unverified_recipient and reject_unverified_sender, as Postfix's
 * reject_unverified_address: ask verify(8), waiting for a fresh probe up to
 * {@code address_verify_poll_count} × {@code address_verify_poll_delay}; an address that bounced
 * gets {@code unverified_*_reject_code}, one still unknown or deferred
 * {@code unverified_*_defer_code}. A 4xx waits for the list's permit under the default
 * {@code unverified_*_tempfail_action = defer_if_permit}; a verify service that cannot answer is
 * a temporary refusal, never a pass.
 */
final class VerifyCheck {

    /** Postfix's enhanced codes: 4.1.1 (bad destination mailbox), 4.1.7 for a sender (smtpd_dsn_fix.h). */
    private static final String RECIPIENT_DSN = "4.1.1";
    private static final String SENDER_DSN = "4.1.7";

    private VerifyCheck() {
    }

    static Decision check(Evaluation e, MailAddress address, Subject subject, boolean recipient) {
        Settings.Unverified settings = recipient ? e.settings().unverifiedRecipient() : e.settings().unverifiedSender();
        String dsn = recipient ? RECIPIENT_DSN : SENDER_DSN;
        AddressVerifier.Answer answer = ask(e.environment().verifier(), address);
        if (answer == null) {
            e.warn(RestrictTexts.verifyServiceFailure("verify"));
            return tempfail(e, settings, RestrictTexts.addressVerificationProblem(dsn, subject));
        }
        int code = switch (answer.status()) {
            case OK -> 0;
            case BOUNCE -> settings.rejectCode();
            case TODO, DEFER -> settings.deferCode();
        };
        if (code == 0) {
            return Decision.DUNNO;
        }
        String why = settings.reason().isEmpty() ? answer.text() : settings.reason();
        if (code / 100 == 4) {
            return tempfail(e, settings, RestrictTexts.unverifiedAddress(code, dsn, subject, why));
        }
        return e.reject(RestrictTexts.undeliverableAddress(code, dsn, subject, why));
    }

    private static Decision tempfail(Evaluation e, Settings.Unverified settings, SmtpReply reply) {
        return settings.tempfailDeferIfPermit() ? e.deferIfPermit(reply) : e.reject(reply);
    }

    /** The verify service's answer, or null when there is none to ask or it failed. */
    private static AddressVerifier.Answer ask(AddressVerifier verifier, MailAddress address) {
        if (verifier == null) {
            return null;
        }
        try {
            return verifier.await(address);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return null;
        } catch (RuntimeException ex) {
            return null;
        }
    }
}
