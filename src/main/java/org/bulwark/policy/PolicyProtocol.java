package org.bulwark.policy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wire form of SMTPD_POLICY_README: a request is {@code name=value} lines ended by an empty
 * line; the answer is {@code action=...} (and possibly other attributes) ended by an empty line.
 */
final class PolicyProtocol {

    /** Longer lines are a broken or hostile peer; Postfix's attribute reader has a similar bound. */
    private static final int MAX_LINE = 4096;
    private static final int MAX_ATTRIBUTES = 200;

    private PolicyProtocol() {
    }

    static byte[] encode(Map<String, String> attributes) {
        StringBuilder b = new StringBuilder();
        attributes.forEach((name, value) -> b.append(name).append('=').append(clean(value)).append('\n'));
        return b.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A value may not contain a newline: it would end the attribute early. */
    private static String clean(String value) {
        return value == null ? "" : value.replace('\n', ' ').replace('\r', ' ');
    }

    /**
     * Reads one block of attributes up to its empty line.
     *
     * @return the attributes, or null at end of stream before any attribute
     * @throws IOException on a read failure, a truncated block or a malformed line
     */
    static Map<String, String> read(InputStream in) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        while (true) {
            String line = readLine(in);
            if (line == null) {
                if (out.isEmpty()) {
                    return null;
                }
                throw new IOException("connection closed inside an attribute block");
            }
            if (line.isEmpty()) {
                return out;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IOException("malformed attribute line: " + abbreviate(line));
            }
            if (out.size() >= MAX_ATTRIBUTES) {
                throw new IOException("too many attributes");
            }
            out.put(line.substring(0, eq), line.substring(eq + 1));
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (c == '\n') {
                String s = line.toString(StandardCharsets.UTF_8);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("attribute line longer than " + MAX_LINE + " bytes");
            }
            line.write(c);
        }
    }

    static String abbreviate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
