package org.bulwark.cleanup;

/**
 * What the milters decided at the end of a message that was not refused, for the SMTP server's
 * log line ({@code milter-discard}, {@code milter-hold}); a refusal is a
 * {@link MessageRejectedException} with {@link MessageRejectedException#byMilter()}.
 */
public record MilterOutcome(Kind kind, String reason) {

    public enum Kind {
        /** Queued as usual, with any edits applied. */
        QUEUED,
        /** Thrown away; the client was told it was queued (SMFIR_DISCARD). */
        DISCARDED,
        /** Queued into hold/ with {@link #reason()} (SMFIR_QUARANTINE or default_action=quarantine). */
        HELD
    }

    static final MilterOutcome QUEUED = new MilterOutcome(Kind.QUEUED, null);
    static final MilterOutcome DISCARDED = new MilterOutcome(Kind.DISCARDED, null);
}
