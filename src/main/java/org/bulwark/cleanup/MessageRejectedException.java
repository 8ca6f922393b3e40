package org.bulwark.cleanup;

import java.io.IOException;
import org.bulwark.mail.SmtpReply;

/**
 * The message was refused at the end of its content (a DMARC reject policy, a mail loop); the SMTP server
 * answers the client with {@link #reply()} instead of a queue error.
 */
public final class MessageRejectedException extends IOException {

    private final transient SmtpReply reply;
    private final boolean logged;

    public MessageRejectedException(SmtpReply reply) {
        this(reply, false);
    }

    /** @param logged cleanup has logged the refusal itself (header and body checks, as Postfix's cleanup does) */
    public MessageRejectedException(SmtpReply reply, boolean logged) {
        super(String.join(" ", reply.lines()), null);
        this.reply = reply;
        this.logged = logged;
    }

    /**
     * Whether cleanup logged the refusal: Postfix's smtpd then logs no reject line of its own, so
     * log summaries (pflogsumm) count the message once.
     */
    public boolean logged() {
        return logged;
    }

    public SmtpReply reply() {
        return reply;
    }
}
