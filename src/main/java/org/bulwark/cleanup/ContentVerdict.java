package org.bulwark.cleanup;

import java.util.ArrayList;
import java.util.List;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.Recipient;
import org.bulwark.mail.SmtpReply;

/**
 * What header and body checks decided for one message, applied at commit: refuse it, drop it,
 * hold it, or change its envelope (FILTER, REDIRECT, BCC) as access(5) actions do at smtpd.
 */
final class ContentVerdict {

    private SmtpReply reject;
    /** The first MIME error of the strict_* checks: refuses the message unless a REJECT already does. */
    private SmtpReply mimeError;
    private boolean discard;
    private boolean hold;
    /** PASS or REDIRECT: no more checks for this message (Postfix clears CLEANUP_FLAG_FILTER_ALL). */
    private boolean pass;
    private String filter;
    private MailAddress redirect;
    private final List<MailAddress> bcc = new ArrayList<>();

    /** Null unless a REJECT (or 4NN/5NN) fired or the MIME structure broke a strict_* rule; then the reply after DATA. */
    SmtpReply reject() {
        return reject != null ? reject : mimeError;
    }

    void mimeError(SmtpReply reply) {
        if (mimeError == null) {
            mimeError = reply;
        }
    }

    boolean discarded() {
        return discard;
    }

    boolean hold() {
        return hold;
    }

    /** Whether more lines are to be inspected: REJECT, DISCARD, PASS and REDIRECT end inspection. */
    boolean inspecting() {
        return reject == null && !discard && !pass;
    }

    /** Whether the content is still written out: after REJECT or DISCARD it is thrown away. */
    boolean keeping() {
        return reject == null && !discard;
    }

    void reject(SmtpReply reply) {
        reject = reply;
    }

    void discard() {
        discard = true;
    }

    /** Postfix logs HOLD once, and not after DISCARD; false when this one changes nothing. */
    boolean holdOnce() {
        if (hold || discard) {
            return false;
        }
        hold = true;
        return true;
    }

    void pass() {
        pass = true;
    }

    void filter(String transportAndNexthop) {
        filter = transportAndNexthop;
    }

    void redirect(MailAddress address) {
        redirect = address;
        pass = true;
    }

    void bcc(MailAddress address) {
        if (!bcc.contains(address)) {
            bcc.add(address);
        }
    }

    /** Whether FILTER, REDIRECT or BCC changed the envelope. */
    boolean routes() {
        return filter != null || redirect != null || !bcc.isEmpty();
    }

    /** The envelope after FILTER, REDIRECT and BCC: REDIRECT replaces the recipients, BCC adds to them. */
    Envelope apply(Envelope envelope) {
        List<Recipient> recipients = new ArrayList<>();
        if (redirect != null) {
            recipients.add(Recipient.of(redirect));
        } else {
            recipients.addAll(envelope.recipients());
        }
        for (MailAddress extra : bcc) {
            if (recipients.stream().noneMatch(r -> r.address().equals(extra))) {
                // cleanup_addr_bcc: a BCC copy asks for no delivery status notice (NOTIFY=NEVER).
                recipients.add(new Recipient(extra, null, "NEVER"));
            }
        }
        return new Envelope(envelope.sender(), recipients, envelope.arrival(), envelope.client(), envelope.body(),
                envelope.ret(), envelope.envid(), envelope.smtputf8(), filter != null ? filter : envelope.filter(), envelope.probe());
    }

    /** A REDIRECT or BCC target must be user@domain. */
    static MailAddress address(String text) {
        String t = text.strip();
        if (t.startsWith("<") && t.endsWith(">")) {
            t = t.substring(1, t.length() - 1);
        }
        int at = t.lastIndexOf('@');
        if (at <= 0 || at == t.length() - 1 || t.chars().anyMatch(Character::isWhitespace)) {
            return null;
        }
        return MailAddress.of(t);
    }
}
