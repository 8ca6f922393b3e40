package org.bulwark.cleanup;

import java.io.IOException;
import org.bulwark.mail.SmtpReply;

/**
 * The message was refused at the end of its content (a DMARC reject policy, a mail loop); the SMTP server
 * answers the client with {@link #reply()} instead of a queue error.
 */
public final class MessageRejectedException extends IOException {

    private final transient SmtpReply reply;
    private final boolean byMilter;

    public MessageRejectedException(SmtpReply reply) {
        this(reply, false);
    }

    /** @param byMilter true when a milter refused the message at its end (logged as milter-reject) */
    public MessageRejectedException(SmtpReply reply, boolean byMilter) {
        super(String.join(" ", reply.lines()), null);
        this.reply = reply;
        this.byMilter = byMilter;
    }

    public boolean byMilter() {
        return byMilter;
    }

    public SmtpReply reply() {
        return reply;
    }
}
