package org.bulwark.restrict;

import org.bulwark.mail.MailAddress;

/**
 * What an access(5) table or a policy server asks of the message being received, beyond
 * accepting or refusing a command (Postfix's check_table_result). A {@link Decision} carries them;
 * the SMTP server applies them to its transaction, so that the restrictions only read their
 * context and never write into the session.
 */
public sealed interface MessageAction {

    /** PREPEND: a header line to put on top of the message. */
    record Prepend(String header) implements MessageAction { }

    /** HOLD: queue the message in {@code hold/} instead of delivering it. */
    record Hold(String reason) implements MessageAction { }

    /** DISCARD: answer as if queued, then throw the message away. */
    record Discard(String reason) implements MessageAction { }

    /** REDIRECT: deliver the message to this address instead of its recipients. */
    record Redirect(MailAddress address) implements MessageAction { }

    /** BCC: also deliver the message to this address. */
    record Bcc(MailAddress address) implements MessageAction { }

    /**
     * FILTER: after it is queued, send the message through this {@code transport:nexthop} (a
     * content filter) instead of its recipients' routes; the last one wins.
     */
    record Filter(String transportAndNexthop) implements MessageAction { }
}
