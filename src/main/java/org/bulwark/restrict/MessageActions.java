package org.bulwark.restrict;

import org.bulwark.mail.MailAddress;

/**
 * What access(5) and policy actions ask of the message being received, beyond accepting or
 * refusing a command: the session carries them out when the message is queued. Only PREPEND is
 * required; a caller with no message at hand ignores the rest.
 */
@FunctionalInterface
public interface MessageActions {

    /** PREPEND: a header line to put on top of the message. */
    void prepend(String header);

    /** HOLD: queue the message in {@code hold/} instead of delivering it. */
    default void hold(String reason) {
    }

    /** DISCARD: answer as if queued, then throw the message away. */
    default void discard(String reason) {
    }

    /** REDIRECT: deliver the message to this address instead of its recipients. */
    default void redirect(MailAddress address) {
    }

    /** BCC: also deliver the message to this address. */
    default void bcc(MailAddress address) {
    }

    /**
     * FILTER: after it is queued, send the message through this {@code transport:nexthop}
     * (a content filter) instead of its recipients' routes; the last one wins.
     */
    default void filter(String transportAndNexthop) {
    }

    MessageActions NONE = header -> { };
}
