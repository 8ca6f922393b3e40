package org.bulwark.milter;

import java.nio.file.Path;
import java.util.Locale;

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

    private static Inet inet(String spec, String rest) {
        int colon = rest.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(MilterTexts.badEndpoint(spec));
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
            throw new IllegalArgumentException(MilterTexts.badEndpoint(spec));
        }
    }
}
