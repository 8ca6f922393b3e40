package org.bulwark.cleanup;

import java.io.IOException;
import org.bulwark.mail.SmtpReply;

/**
 * The message was refused at the end of its content (a DMARC reject policy, a mail loop); the SMTP server
 * answers the client with {@link #reply()} instead of a queue error.
 */
public final class MessageRejectedException extends IOException {

    private final transient SmtpReply reply;

    public MessageRejectedException(SmtpReply reply) {
        super(String.join(" ", reply.lines()), null);
        this.reply = reply;
    }

    public SmtpReply reply() {
        return reply;
    }
}
