package org.bulwark.policy;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a policy server is: {@code inet:host:port}, {@code unix:path} (relative to the queue
 * directory, as Postfix's {@code unix:private/policy-spf}), or one of ours, {@code builtin:name}.
 */
public sealed interface PolicyEndpoint {

    /** The endpoint as written, for log lines. */
    String spec();

    record Inet(String spec, String host, int port) implements PolicyEndpoint { }

    record Unix(String spec, Path path) implements PolicyEndpoint { }

    record Builtin(String spec, String name) implements PolicyEndpoint { }

    /**
     * @param queueDirectory where relative UNIX socket paths start
     * @throws IllegalArgumentException with the reason, for a malformed endpoint
     */
    static PolicyEndpoint parse(String spec, Path queueDirectory) {
        int colon = spec.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(PolicyTexts.badEndpoint(spec));
        }
        String type = spec.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = spec.substring(colon + 1);
        return switch (type) {
            case "inet" -> inet(spec, rest);
            case "unix" -> {
                if (rest.isEmpty()) {
                    throw new IllegalArgumentException(PolicyTexts.badEndpoint(spec));
                }
                Path path = Path.of(rest);
                yield new Unix(spec, path.isAbsolute() ? path : queueDirectory.resolve(path));
            }
            case "builtin" -> new Builtin(spec, rest.toLowerCase(Locale.ROOT));
            default -> throw new IllegalArgumentException(PolicyTexts.badEndpoint(spec));
        };
    }

    private static Inet inet(String spec, String rest) {
        int colon = rest.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(PolicyTexts.badEndpoint(spec));
        }
        String host = rest.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(rest.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return new Inet(spec, host, port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PolicyTexts.badEndpoint(spec));
        }
    }
}
