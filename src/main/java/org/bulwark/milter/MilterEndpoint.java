package org.bulwark.milter;

import java.nio.file.Path;
import java.util.Locale;
import org.bulwark.config.InetService;

/**
 * Where a milter listens: {@code inet:host:port} or {@code unix:pathname}. A relative pathname
 * starts at the queue directory, as in Postfix (whose smtpd runs chrooted there).
 */
public sealed interface MilterEndpoint {

    /** The endpoint as written, the milter's name in log lines. */
    String spec();

    record Inet(String spec, String host, int port) implements MilterEndpoint { }

    record Unix(String spec, Path path) implements MilterEndpoint { }

    /** @throws IllegalArgumentException with the reason, for a malformed endpoint */
    static MilterEndpoint parse(String spec, Path queueDirectory) {
        int colon = spec.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(MilterTexts.badEndpoint(spec));
        }
        String type = spec.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = spec.substring(colon + 1);
        return switch (type) {
            case "inet" -> inet(spec, rest);
            case "unix", "local" -> {
                if (rest.isEmpty()) {
                    throw new IllegalArgumentException(MilterTexts.badEndpoint(spec));
                }
                Path path = Path.of(rest);
                yield new Unix(spec, path.isAbsolute() ? path : queueDirectory.resolve(path));
            }
            default -> throw new IllegalArgumentException(MilterTexts.badEndpoint(spec));
        };
    }

    /** {@code host:port} or {@code [address]:port}, as master.cf names an inet service. */
    private static Inet inet(String spec, String rest) {
        InetService service = InetService.parse(rest).filter(s -> !s.host().isEmpty())
                .orElseThrow(() -> new IllegalArgumentException(MilterTexts.badEndpoint(spec)));
        return new Inet(spec, service.host(), service.port());
    }
}
