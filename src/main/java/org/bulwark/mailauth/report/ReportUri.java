package org.bulwark.mailauth.report;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One destination of a {@code rua} tag: for DMARC (RFC 7489 §6.4 dmarc-uri) a URI and an optional
 * size limit, {@code mailto:reports@example.org!10m}, of which only mailto: is sent to (§7.2.1.2);
 * for TLS-RPT (RFC 8460 §3 tlsrpt-uri) a mailto: or https: URI without a size.
 *
 * @param uri      the URI as published, without the size suffix
 * @param address  for mailto:, the address with %-escapes decoded; "" for other schemes
 * @param maxBytes the largest report this destination takes, or {@link Long#MAX_VALUE}
 */
public record ReportUri(String uri, String address, long maxBytes) {

    /** Every URI of a rua value, in order; a malformed one is left out. */
    public static List<ReportUri> parseList(String rua) {
        return parseList(rua, true);
    }

    /** Every URI of a TLS-RPT rua value (RFC 8460 §3: no size suffix), in order; a malformed one is left out. */
    public static List<ReportUri> parseTlsRptList(String rua) {
        return parseList(rua, false);
    }

    private static List<ReportUri> parseList(String rua, boolean sizeSuffix) {
        List<ReportUri> uris = new ArrayList<>();
        for (String item : rua.split(",")) {
            String u = item.strip();
            if (!u.isEmpty()) {
                ReportUri parsed = parse(u, sizeSuffix);
                if (parsed != null) {
                    uris.add(parsed);
                }
            }
        }
        return uris;
    }

    /** @return null for a malformed URI */
    static ReportUri parse(String text) {
        return parse(text, true);
    }

    private static ReportUri parse(String text, boolean sizeSuffix) {
        String uri = text;
        long max = Long.MAX_VALUE;
        int bang = sizeSuffix ? text.lastIndexOf('!') : -1;
        if (bang >= 0) {
            String size = text.substring(bang + 1).toLowerCase(Locale.ROOT);
            if (!size.matches("[0-9]{1,12}[kmgt]?")) {
                return null;
            }
            uri = text.substring(0, bang);
            char unit = size.charAt(size.length() - 1);
            int shift = switch (unit) {
                case 'k' -> 10;
                case 'm' -> 20;
                case 'g' -> 30;
                case 't' -> 40;
                default -> 0;
            };
            long number = Long.parseLong(shift == 0 ? size : size.substring(0, size.length() - 1));
            max = number >= (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : number << shift;
        }
        if (!uri.regionMatches(true, 0, "mailto:", 0, 7)) {
            return uri.matches("[A-Za-z][A-Za-z0-9+.-]*:.+") ? new ReportUri(uri, "", max) : null;
        }
        String address = uri.substring(7);
        int query = address.indexOf('?');
        if (query >= 0) {
            address = address.substring(0, query);
        }
        address = decode(address);
        if (address == null) {
            return null;
        }
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1 || !address.matches("[^\\s<>,;\"]+")) {
            return null;
        }
        return new ReportUri(uri, address, max);
    }

    public boolean isMailto() {
        return !address.isEmpty();
    }

    public boolean isHttps() {
        return uri.regionMatches(true, 0, "https:", 0, 6);
    }

    /** The domain of a mailto: address, lower case. */
    public String domain() {
        return address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    /** RFC 3986 §2.1 percent-decoding; null for a broken escape. */
    private static String decode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length()) {
                    return null;
                }
                try {
                    out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                } catch (NumberFormatException e) {
                    return null;
                }
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
