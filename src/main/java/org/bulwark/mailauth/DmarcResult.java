package org.bulwark.mailauth;

import java.util.Locale;

/**
 * The DMARC outcome for one message (RFC 7489 §6.6).
 *
 * @param fromDomain  the RFC5322.From domain, or "" when there is none to evaluate
 * @param policy      the published policy that applies (p=, or sp= for a subdomain), "" without a record
 * @param disposition what the receiver should do with this message: {@code none}, {@code quarantine}
 *                    or {@code reject} (a fail with pct= sampling applied); {@code none} for a pass
 */
public record DmarcResult(Result result, String fromDomain, String policy, String disposition, String reason) {

    public enum Result {
        PASS, FAIL, NONE, TEMPERROR, PERMERROR;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean shouldReject() {
        return result == Result.FAIL && disposition.equals("reject");
    }

    public boolean shouldQuarantine() {
        return result == Result.FAIL && disposition.equals("quarantine");
    }
}
