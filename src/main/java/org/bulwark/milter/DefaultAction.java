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

    /** The answer of a milter that failed to read, write or speak the protocol (milter8_comm_error); null: go on. */
    MilterReply afterCommunicationError() {
        return switch (this) {
            case ACCEPT -> null;
            case REJECT -> MilterReply.refusal(ReplyText.parse(MilterTexts.DEFAULT_REJECT));
            case TEMPFAIL -> MilterReply.refusal(ReplyText.parse(MilterTexts.DEFAULT_TEMPFAIL));
            case SHUTDOWN -> MilterReply.refusal(ReplyText.parse(MilterTexts.DEFAULT_SHUTDOWN));
            case QUARANTINE -> new MilterReply.Quarantine(MilterTexts.DEFAULT_QUARANTINE);
        };
    }

    /**
     * The answer of a milter that cannot be reached or asked for nonsense (milter8_conf_error):
     * Postfix answers "Server configuration problem" for reject as for tempfail. Null: go on.
     */
    MilterReply afterConfigurationError() {
        return switch (this) {
            case ACCEPT -> null;
            case SHUTDOWN -> MilterReply.refusal(ReplyText.parse(MilterTexts.CONF_SHUTDOWN));
            case QUARANTINE -> new MilterReply.Quarantine(MilterTexts.DEFAULT_QUARANTINE);
            case REJECT, TEMPFAIL -> MilterReply.refusal(ReplyText.parse(MilterTexts.CONF_TEMPFAIL));
        };
    }

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
