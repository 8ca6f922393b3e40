package org.bulwark.config;

import java.util.Map;
import java.util.Optional;

/**
 * Where an inet service of master.cf listens: its name is {@code port}, {@code host:port} or
 * {@code [ipv6]:port}, and a port may be a service name (master(5)). An empty host means every
 * address in inet_interfaces.
 */
public record InetService(String host, int port) {

    /** The well-known names the guides use; Bulwark does not read /etc/services. */
    private static final Map<String, Integer> PORTS = Map.of(
            "smtp", 25, "submission", 587, "smtps", 465, "submissions", 465, "lmtp", 24);

    /** Parses an inet service name; empty when the port is neither a number nor a known name. */
    public static Optional<InetService> parse(String service) {
        String host = "";
        String port = service;
        if (service.startsWith("[")) {
            int close = service.indexOf("]:");
            if (close < 0) {
                return Optional.empty();
            }
            host = service.substring(1, close);
            port = service.substring(close + 2);
        } else {
            int colon = service.lastIndexOf(':');
            if (colon >= 0) {
                host = service.substring(0, colon);
                port = service.substring(colon + 1);
            }
        }
        Integer number = PORTS.get(port);
        if (number == null) {
            if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535 || Integer.parseInt(port) == 0) {
                return Optional.empty();
            }
            number = Integer.parseInt(port);
        }
        return Optional.of(new InetService(host, number));
    }
}
