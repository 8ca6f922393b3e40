package org.bulwark.restrict;

import org.bulwark.mail.SmtpReply;

/**
 * The outcome of a restriction check. {@code DUNNO} lets the list go on; the first other answer
 * ends it. At the level of a whole stage, only {@link #accepted()} or a reply to send remain.
 */
public sealed interface Decision {

    record Dunno() implements Decision { }

    record Permit() implements Decision { }

    /** A 4xx or 5xx reply to send; the command is refused. */
    record Refuse(SmtpReply reply) implements Decision { }

    Decision DUNNO = new Dunno();
    Decision PERMIT = new Permit();

    default boolean accepted() {
        return !(this instanceof Refuse);
    }
}
