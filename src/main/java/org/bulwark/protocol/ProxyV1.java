package org.bulwark.protocol;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** PROXY protocol version 1: one line, {@code PROXY TCP4|TCP6|UNKNOWN src dst sport dport}, LF-terminated. */
final class ProxyV1 {

    static final byte[] PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);

    private ProxyV1() {
    }

    static ProxyHeader parse(byte[] bytes) throws ProtocolException {
        int end = -1;
        for (int i = 0; i < Math.min(bytes.length, ProxyHeader.V1_MAX); i++) {
            if (bytes[i] == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            throw new ProtocolException(ProxyTexts.MISSING_TERMINATOR);
        }
        int length = end + 1;
        // Postfix splits on spaces and CRs; a CR anywhere but before the LF leaves a field malformed.
        String line = new String(bytes, 0, end > 0 && bytes[end - 1] == '\r' ? end - 1 : end,
                StandardCharsets.ISO_8859_1);
        List<String> fields = new ArrayList<>();
        for (String field : line.split(" ", -1)) {
            if (!field.isEmpty()) {
                fields.add(field);
            }
        }
        if (fields.isEmpty() || !fields.get(0).equals("PROXY")) {
            throw new ProtocolException(ProxyTexts.BAD_HEADER);
        }
        String protocol = field(fields, 1);
        if (protocol == null) {
            throw new ProtocolException(ProxyTexts.BAD_PROTOCOL);
        }
        protocol = protocol.toUpperCase(Locale.ROOT);
        if (protocol.equals("UNKNOWN")) {
            // proxy-protocol.txt: the rest of the line up to CRLF is to be ignored.
            return new ProxyHeader.Unknown(1, length);
        }
        boolean v6 = protocol.equals("TCP6");
        if (!v6 && !protocol.equals("TCP4")) {
            throw new ProtocolException(ProxyTexts.BAD_PROTOCOL);
        }
        InetAddress client = address(field(fields, 2), v6, ProxyTexts.BAD_CLIENT_ADDRESS);
        InetAddress server = address(field(fields, 3), v6, ProxyTexts.BAD_SERVER_ADDRESS);
        int clientPort = port(field(fields, 4), ProxyTexts.BAD_CLIENT_PORT);
        int serverPort = port(field(fields, 5), ProxyTexts.BAD_SERVER_PORT);
        if (fields.size() > 6) {
            throw new ProtocolException(ProxyTexts.TRAILING_FIELDS);
        }
        return new ProxyHeader.Proxied(1, client, clientPort, server, serverPort, null, length);
    }

    private static String field(List<String> fields, int index) {
        return index < fields.size() ? fields.get(index) : null;
    }

    /**
     * A literal address of the family the line names. TCP6 takes IPv6 text (an IPv4-mapped one
     * becomes IPv4, as Postfix has it); TCP4 takes a dotted quad. Never a name: nothing here may
     * reach a resolver.
     */
    private static InetAddress address(String text, boolean v6, String error) throws ProtocolException {
        if (text == null) {
            throw new ProtocolException(error);
        }
        return v6 ? ipv6(text, error) : ipv4(text, error);
    }

    private static InetAddress ipv4(String text, String error) throws ProtocolException {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new ProtocolException(error);
        }
        byte[] raw = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !digits(part)) {
                throw new ProtocolException(error);
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                throw new ProtocolException(error);
            }
            raw[i] = (byte) value;
        }
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new ProtocolException(error);
        }
    }

    private static InetAddress ipv6(String text, String error) throws ProtocolException {
        // Only hex digits, colons and the dots of an embedded IPv4 part, with a colon in it: the
        // JDK parses that as a literal and, failing, refuses it, without a lookup.
        if (text.length() > 45 || text.indexOf(':') < 0) {
            throw new ProtocolException(error);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0 && c < 128)) {
                throw new ProtocolException(error);
            }
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new ProtocolException(error);
        }
    }

    /** Decimal, 0 to 65535, no leading zero (Postfix's valid_hostport). */
    private static int port(String text, String error) throws ProtocolException {
        if (text == null || text.isEmpty() || text.length() > 5 || !digits(text)
                || text.length() > 1 && text.charAt(0) == '0') {
            throw new ProtocolException(error);
        }
        int port = Integer.parseInt(text);
        if (port > 65535) {
            throw new ProtocolException(error);
        }
        return port;
    }

    private static boolean digits(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
