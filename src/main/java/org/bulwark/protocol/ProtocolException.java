package org.bulwark.protocol;

import org.bulwark.mail.SmtpReply;

/** A client request the codec refuses; carries the reply to send. Never shown as a stack trace. */
public final class ProtocolException extends Exception {

    private final transient SmtpReply reply;

    public ProtocolException(SmtpReply reply) {
        super(reply.toString(), null, false, false);
        this.reply = reply;
    }

    public SmtpReply reply() {
        return reply;
    }
}
