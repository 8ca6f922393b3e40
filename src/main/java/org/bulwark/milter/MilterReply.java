package org.bulwark.milter;

import org.bulwark.mail.SmtpReply;

/**
 * What the milters decided about one stage (connect, HELO, MAIL, RCPT, DATA, unknown command, end
 * of message). A milter's "accept" is {@link Continue} here: that milter stops seeing the message
 * (or, at connect and HELO, the session) and the others go on; its "continue" is Continue too.
 * A milter's custom reply (SMFIR_REPLYCODE, possibly multi-line) is a {@link Reject} or a
 * {@link TempFail} carrying the milter's own code and text.
 */
public sealed interface MilterReply {

    Continue CONTINUE = new Continue();

    /** Go on. */
    record Continue() implements MilterReply { }

    /** A 5xx refusal: of the session's current command; at RCPT, of that recipient only. */
    record Reject(SmtpReply reply) implements MilterReply { }

    /** A 4xx refusal, scoped like {@link Reject}. */
    record TempFail(SmtpReply reply) implements MilterReply { }

    /** Accept the message and throw it away (MAIL stage and later only). */
    record Discard() implements MilterReply { }

    /** Answer 421 and end the session. */
    record Shutdown(SmtpReply reply) implements MilterReply { }

    /** Accept, but into the hold queue (default_action=quarantine standing in for a failed milter). */
    record Quarantine(String reason) implements MilterReply { }

    /** Whether the stage may go on (Continue or Quarantine). */
    default boolean proceeds() {
        return this instanceof Continue || this instanceof Quarantine;
    }

    /** A refusal from a reply text such as Postfix's "451 4.7.1 Service unavailable - try again later". */
    static MilterReply refusal(SmtpReply reply) {
        return reply.code() == 421 ? new Shutdown(reply) : reply.isTransient() ? new TempFail(reply) : new Reject(reply);
    }
}
