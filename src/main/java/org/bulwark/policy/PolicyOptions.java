package org.bulwark.policy;

import java.time.Duration;
import java.util.Locale;
import org.bulwark.config.Config;

/**
 * How one policy server is used: Postfix's {@code smtpd_policy_service_*} parameters, which the
 * {@code check_policy_service { endpoint, name=value, ... }} form overrides per server.
 *
 * @param timeout       time limit for connecting, sending and receiving one request
 * @param maxIdle       an idle connection is closed after this long
 * @param maxTtl        a connection is not reused after this age
 * @param tryLimit      attempts per request before default_action applies
 * @param retryDelay    pause between attempts
 * @param requestLimit  requests per connection, 0 for no limit
 * @param defaultAction the action when the server cannot be asked
 * @param policyContext sent as the {@code policy_context} attribute
 */
public record PolicyOptions(Duration timeout, Duration maxIdle, Duration maxTtl, int tryLimit, Duration retryDelay,
        int requestLimit, String defaultAction, String policyContext) {

    public static PolicyOptions from(Config config) {
        return new PolicyOptions(
                config.time("smtpd_policy_service_timeout"),
                config.time("smtpd_policy_service_max_idle"),
                config.time("smtpd_policy_service_max_ttl"),
                config.integer("smtpd_policy_service_try_limit"),
                config.time("smtpd_policy_service_retry_delay"),
                config.integer("smtpd_policy_service_request_limit"),
                config.get("smtpd_policy_service_default_action").trim(),
                config.get("smtpd_policy_service_policy_context").trim());
    }

    /** The options with one {@code name=value} of the brace form applied. */
    PolicyOptions with(String name, String value) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "timeout" -> new PolicyOptions(duration(name, value), maxIdle, maxTtl, tryLimit, retryDelay,
                    requestLimit, defaultAction, policyContext);
            case "max_idle" -> new PolicyOptions(timeout, duration(name, value), maxTtl, tryLimit, retryDelay,
                    requestLimit, defaultAction, policyContext);
            case "max_ttl" -> new PolicyOptions(timeout, maxIdle, duration(name, value), tryLimit, retryDelay,
                    requestLimit, defaultAction, policyContext);
            case "try_limit" -> new PolicyOptions(timeout, maxIdle, maxTtl, number(name, value), retryDelay,
                    requestLimit, defaultAction, policyContext);
            case "retry_delay" -> new PolicyOptions(timeout, maxIdle, maxTtl, tryLimit, duration(name, value),
                    requestLimit, defaultAction, policyContext);
            case "request_limit" -> new PolicyOptions(timeout, maxIdle, maxTtl, tryLimit, retryDelay,
                    number(name, value), defaultAction, policyContext);
            case "default_action" -> new PolicyOptions(timeout, maxIdle, maxTtl, tryLimit, retryDelay,
                    requestLimit, value, policyContext);
            case "policy_context" -> new PolicyOptions(timeout, maxIdle, maxTtl, tryLimit, retryDelay,
                    requestLimit, defaultAction, value);
            default -> throw new IllegalArgumentException(PolicyTexts.unknownOption(name));
        };
    }

    /** Postfix's time syntax: a number with an optional unit s, m, h, d or w (seconds if none). */
    static Duration duration(String name, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            char unit = v.isEmpty() ? 's' : v.charAt(v.length() - 1);
            long n = Long.parseLong(Character.isDigit(unit) ? v : v.substring(0, v.length() - 1));
            return switch (Character.isDigit(unit) ? 's' : unit) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                case 'w' -> Duration.ofDays(7 * n);
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PolicyTexts.badValue(name, value));
        }
    }

    private static int number(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PolicyTexts.badValue(name, value));
        }
    }
}
