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
    private final boolean byMilter;

    public MessageRejectedException(SmtpReply reply) {
        this(reply, false);
    }

    /** @param logged cleanup has logged the refusal itself (header and body checks, as Postfix's cleanup does) */
    public MessageRejectedException(SmtpReply reply, boolean logged) {
        this(reply, logged, false);
    }

    private MessageRejectedException(SmtpReply reply, boolean logged, boolean byMilter) {
        super(String.join(" ", reply.lines()), null);
        this.reply = reply;
        this.logged = logged;
        this.byMilter = byMilter;
    }

    /** A milter refused the message at its end: the SMTP server logs it as {@code milter-reject}. */
    public static MessageRejectedException byMilter(SmtpReply reply) {
        return new MessageRejectedException(reply, false, true);
    }

    public boolean byMilter() {
        return byMilter;
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
