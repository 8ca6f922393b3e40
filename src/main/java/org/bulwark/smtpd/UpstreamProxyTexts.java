package org.bulwark.smtpd;

/** The PROXY protocol pre-stage's log lines, in the words of Postfix's haproxy server. */
final class UpstreamProxyTexts {

    private UpstreamProxyTexts() {
    }

    static String timeout() {
        return "haproxy read: timeout error";
    }

    /** The connection failed while the header was read (Postfix's {@code haproxy read: %m}). */
    static String failed(String why) {
        return "haproxy read: " + why;
    }

    /** A version 2 client of a protocol inet_protocols leaves out. */
    static String protocolDisabled(java.net.InetAddress client) {
        return (client instanceof java.net.Inet4Address ? "IPv4" : "IPv6") + " support is disabled";
    }

    static String eof() {
        return "haproxy read: EOF";
    }

    /** {@code haproxy read: REASON: HEADER}, the header's bytes escaped as Postfix's escape() does. */
    static String refused(String reason, byte[] header, int length) {
        return "haproxy read: " + reason + ": " + escape(header, length);
    }

    private static String escape(byte[] bytes, int length) {
        StringBuilder out = new StringBuilder(length * 2);
        for (int i = 0; i < length; i++) {
            int c = bytes[i] & 0xff;
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        out.append((char) c);
                    } else {
                        out.append('\\').append(String.format("%03o", c));
                    }
                }
            }
        }
        return out.toString();
    }
}
