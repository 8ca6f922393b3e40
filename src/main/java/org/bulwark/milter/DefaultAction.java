package org.bulwark.milter;

import java.util.Locale;

/**
 * What happens when a milter cannot be reached or breaks the protocol (milter_default_action):
 * {@code accept} goes on without it, {@code reject} and {@code tempfail} refuse the command,
 * {@code quarantine} accepts the message into the hold queue, {@code shutdown} (Postfix 3.10)
 * answers 421 and ends the session.
 */
public enum DefaultAction {
    ACCEPT, REJECT, TEMPFAIL, QUARANTINE, SHUTDOWN;

    /** @throws IllegalArgumentException for a value that is none of these */
    public static DefaultAction parse(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "accept" -> ACCEPT;
            case "reject" -> REJECT;
            case "tempfail" -> TEMPFAIL;
            case "quarantine" -> QUARANTINE;
            case "shutdown" -> SHUTDOWN;
            default -> throw new IllegalArgumentException(MilterTexts.badDefaultAction(value));
        };
    }
}
