package org.bulwark.delivery.smtp.tlsrpt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One TLS session in the history: when, for which report domain, how it went, under which policy,
 * with whom. One line of tab-separated fields; a value's tabs, line ends, {@code %} and {@code |}
 * are %-escaped, lists are joined with {@code |}, and an empty value is {@code -}.
 *
 * @param time         seconds since the epoch
 * @param reportDomain the domain whose {@code _smtp._tls} record says where the report goes
 * @param result       {@value #SUCCESS} or an RFC 8460 result-type
 * @param policyType   tlsa, sts or no-policy-found
 * @param policyDomain the policy's own domain (RFC 8460 §4.3 policy-domain)
 */
public record SessionLine(long time, String reportDomain, String result, String policyType, String policyDomain,
                          List<String> policyStrings, List<String> mxPatterns, String mxHost, String receivingIp,
                          String sendingIp, String reason) {

    public static final String SUCCESS = "success";
    private static final String MAGIC = "tlsrpt1";
    private static final int FIELDS = 13;

    public SessionLine {
        policyStrings = List.copyOf(policyStrings);
        mxPatterns = List.copyOf(mxPatterns);
    }

    boolean success() {
        return result.equals(SUCCESS);
    }

    /** The line, ended with a newline. */
    public String format() {
        List<String> f = List.of(MAGIC, Long.toString(time), escape(reportDomain), escape(result), escape(policyType),
                escape(policyDomain), list(policyStrings), list(mxPatterns), escape(mxHost), escape(receivingIp),
                escape(sendingIp), escape(reason), "end");
        return String.join("\t", f) + "\n";
    }

    /** @throws IllegalArgumentException for a line that is not whole or not ours */
    static SessionLine parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != FIELDS || !f[0].equals(MAGIC) || !f[FIELDS - 1].equals("end")) {
            throw new IllegalArgumentException("not a TLS-RPT history line");
        }
        try {
            return new SessionLine(Long.parseLong(f[1]), unescape(f[2]), unescape(f[3]), unescape(f[4]),
                    unescape(f[5]), unlist(f[6]), unlist(f[7]), unescape(f[8]), unescape(f[9]), unescape(f[10]),
                    unescape(f[11]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number in TLS-RPT history line", e);
        }
    }

    private static String list(List<String> values) {
        if (values.isEmpty()) {
            return "-";
        }
        return String.join("|", values.stream().map(v -> v.equals("-") ? "%2D" : encode(v)).toList());
    }

    private static List<String> unlist(String field) {
        if (field.equals("-")) {
            return List.of();
        }
        List<String> values = new ArrayList<>();
        for (String v : field.split("\\|", -1)) {
            values.add(decode(v));
        }
        return values;
    }

    private static String escape(String value) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        return value.equals("-") ? "%2D" : encode(value);
    }

    private static String unescape(String field) {
        return field.equals("-") ? "" : decode(field);
    }

    /** Values come from DNS and from remote servers: nothing in them may split a field or a line. */
    private static String encode(String value) {
        StringBuilder b = new StringBuilder(value.length());
        for (byte x : value.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c < 0x20 || c == 0x7f || c == '%' || c == '|') {
                b.append('%').append(String.format("%02X", c));
            } else {
                b.append((char) c);
            }
        }
        return new String(b.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private static String decode(String field) {
        byte[] in = field.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[in.length];
        int n = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length) {
                out[n++] = (byte) Integer.parseInt(new String(in, i + 1, 2, StandardCharsets.US_ASCII), 16);
                i += 2;
            } else {
                out[n++] = in[i];
            }
        }
        return new String(Arrays.copyOf(out, n), StandardCharsets.UTF_8);
    }
}
