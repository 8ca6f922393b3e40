package org.bulwark.policy;

import java.nio.file.Path;
import java.util.Locale;
import org.bulwark.config.InetService;

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

    /** {@code host:port} or {@code [address]:port}, as master.cf names an inet service. */
    private static Inet inet(String spec, String rest) {
        InetService service = InetService.parse(rest).filter(s -> !s.host().isEmpty())
                .orElseThrow(() -> new IllegalArgumentException(PolicyTexts.badEndpoint(spec)));
        return new Inet(spec, service.host(), service.port());
    }
}
