package org.bulwark.protocol;

import org.bulwark.mail.SmtpReply;

/** A client request the codec refuses; carries the reply to send. Never shown as a stack trace. */
public final class ProtocolException extends Exception {

    private final transient SmtpReply reply;

    public ProtocolException(SmtpReply reply) {
        super(reply.toString(), null, false, false);
        this.reply = reply;
    }

    /**
     * Input refused before any SMTP reply could be given (a PROXY protocol header): the reason is
     * logged, and {@link #reply()} is null because the connection is closed without one.
     */
    public ProtocolException(String reason) {
        super(reason, null, false, false);
        this.reply = null;
    }

    public SmtpReply reply() {
        return reply;
    }
}
