package org.bulwark.delivery.smtp;

/**
 * A nexthop as transport(5) writes it: {@code domain}, {@code host:port}, {@code [host]} or
 * {@code [host]:port}. Brackets suppress the MX lookup (the name is the host itself); a port of
 * {@code -1} means {@code smtp_tcp_port}.
 */
record Nexthop(String host, int port, boolean mxLookup) {

    static Nexthop parse(String text) {
        String s = text.trim();
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unbalanced [ in nexthop: " + text);
            }
            String host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (host.regionMatches(true, 0, "ipv6:", 0, 5)) {
                host = host.substring(5);
            }
            return new Nexthop(host, rest.startsWith(":") ? port(rest.substring(1), text) : -1, false);
        }
        int colon = s.lastIndexOf(':');
        if (colon > 0 && s.indexOf(':') == colon) {
            return new Nexthop(s.substring(0, colon), port(s.substring(colon + 1), text), true);
        }
        return new Nexthop(s, -1, true);
    }

    private static int port(String value, String text) {
        // Service names as /etc/services has them ("[mail.isp.example]:submission" in SASL_README).
        switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "smtp":
                return 25;
            case "submission":
                return 587;
            case "smtps", "submissions":
                return 465;
            case "lmtp":
                return 24;
            default:
                break;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in nexthop: " + text);
        }
    }

    Nexthop withDefaultPort(int defaultPort) {
        return port > 0 ? this : new Nexthop(host, defaultPort, mxLookup);
    }
}
