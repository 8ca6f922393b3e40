package org.bulwark.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * The argument of {@code check_policy_service}: an endpoint, or Postfix 3.0's
 * {@code { endpoint, name = value, ... }} with per-server options.
 */
public record PolicySpec(String endpoint, PolicyOptions options) {

    /** @throws IllegalArgumentException with the reason, for a malformed argument */
    public static PolicySpec parse(String argument, PolicyOptions defaults) {
        String a = argument.strip();
        if (!a.startsWith("{")) {
            return new PolicySpec(a, defaults);
        }
        if (!a.endsWith("}")) {
            throw new IllegalArgumentException(PolicyTexts.unbalancedBraces(argument));
        }
        List<String> items = new ArrayList<>();
        for (String item : a.substring(1, a.length() - 1).split(",")) {
            if (!item.isBlank()) {
                items.add(item.strip());
            }
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(PolicyTexts.badEndpoint(argument));
        }
        PolicyOptions options = defaults;
        for (String item : items.subList(1, items.size())) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(PolicyTexts.badValue(item, ""));
            }
            options = options.with(item.substring(0, eq).strip(), item.substring(eq + 1).strip());
        }
        return new PolicySpec(items.get(0), options);
    }
}
