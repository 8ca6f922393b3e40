package org.bulwark.policy;

import java.util.Map;

/**
 * A policy: the attributes of one SMTPD_POLICY_README request in, an access(5) action out
 * ({@code DUNNO}, {@code DEFER_IF_PERMIT text}, {@code PREPEND header}, ...).
 */
@FunctionalInterface
public interface PolicyService {

    /** @throws RuntimeException when the policy cannot decide (a store is down, say) */
    String decide(Map<String, String> request);
}
