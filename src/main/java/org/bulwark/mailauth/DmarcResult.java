package org.bulwark.mailauth;

import java.util.Locale;

/**
 * The DMARC outcome for one message (RFC 7489 §6.6).
 *
 * @param fromDomain  the RFC5322.From domain, or "" when there is none to evaluate
 * @param policy      the published policy that applies (p=, or sp= for a subdomain), "" without a record
 * @param disposition what the receiver should do with this message: {@code none}, {@code quarantine}
 *                    or {@code reject} (a fail with pct= sampling applied); {@code none} for a pass
 * @param evaluation  what an aggregate report needs to know, for a pass or fail; null otherwise
 */
public record DmarcResult(Result result, String fromDomain, String policy, String disposition, String reason,
                          Evaluation evaluation) {

    public enum Result {
        PASS, FAIL, NONE, TEMPERROR, PERMERROR;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The record a message was evaluated under (RFC 7489 §7.2.1.1 policy_published) and the
     * evaluation's parts (policy_evaluated).
     *
     * @param policyDomain the domain whose {@code _dmarc} record applied: the From domain or its organizational domain
     * @param sampledOut   whether pct= left the message out of a reject or quarantine policy (§6.6.4)
     */
    public record Evaluation(String policyDomain, DmarcRecord record, boolean dkimAligned, boolean spfAligned,
                             boolean sampledOut) {
    }

    public DmarcResult(Result result, String fromDomain, String policy, String disposition, String reason) {
        this(result, fromDomain, policy, disposition, reason, null);
    }

    public boolean shouldReject() {
        return result == Result.FAIL && disposition.equals("reject");
    }

    public boolean shouldQuarantine() {
        return result == Result.FAIL && disposition.equals("quarantine");
    }
}
