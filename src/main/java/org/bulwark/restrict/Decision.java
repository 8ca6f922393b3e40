package org.bulwark.restrict;

import org.bulwark.mail.SmtpReply;

/**
 * The outcome of a restriction check. {@code DUNNO} lets the list go on; the first other answer
 * ends it. At the level of a whole stage, only {@link #accepted()}, a reply to send, or a hangup
 * remain.
 */
public sealed interface Decision {

    record Dunno() implements Decision { }

    record Permit() implements Decision { }

    /** A 4xx or 5xx reply to send; the command is refused. */
    record Refuse(SmtpReply reply) implements Decision { }

    /**
     * access(5) HANGUP: the connection is dropped at once, without a reply (Postfix's smtpd shuts
     * the socket down and ends the session quietly). The restriction logged why.
     */
    record Hangup() implements Decision { }

    Decision DUNNO = new Dunno();
    Decision PERMIT = new Permit();
    Decision HANGUP = new Hangup();

    default boolean accepted() {
        return !(this instanceof Refuse || this instanceof Hangup);
    }
}
