package org.bulwark.pickup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The header section at the top of submitted content (RFC 5322 §2.2), read so that pickup can take
 * recipients from To/Cc/Bcc for {@code sendmail -t}, drop Bcc, and add a From header when the
 * message has none. Fields are kept byte for byte (ISO-8859-1 strings) with their folded lines.
 * What follows the header section, including the empty line, is in {@link #rest()}.
 */
record HeaderBlock(List<String> fields, byte[] rest) {

    /** Beyond this the remainder is treated as body, as cleanup would with header_size_limit. */
    private static final int MAX_HEADER_BYTES = 1024 * 1024;

    static HeaderBlock read(InputStream in) throws IOException {
        List<String> fields = new ArrayList<>();
        StringBuilder current = null;
        int total = 0;
        while (true) {
            byte[] line = readLine(in);
            if (line.length == 0) {
                break;
            }
            String text = new String(line, StandardCharsets.ISO_8859_1);
            total += line.length;
            boolean continuation = (text.startsWith(" ") || text.startsWith("\t")) && current != null;
            if (total > MAX_HEADER_BYTES || !(continuation || isFieldStart(text))) {
                if (current != null) {
                    fields.add(current.toString());
                }
                return new HeaderBlock(fields, line);
            }
            if (continuation) {
                current.append(text);
            } else {
                if (current != null) {
                    fields.add(current.toString());
                }
                current = new StringBuilder(text);
            }
        }
        if (current != null) {
            fields.add(current.toString());
        }
        return new HeaderBlock(fields, new byte[0]);
    }

    /** The field name in lower case, e.g. {@code bcc}. */
    static String name(String field) {
        return field.substring(0, field.indexOf(':')).trim().toLowerCase(Locale.ROOT);
    }

    /** The unfolded value as UTF-8 text. */
    static String value(String field) {
        String raw = field.substring(field.indexOf(':') + 1).replaceAll("\r?\n", "");
        return new String(raw.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8).trim();
    }

    boolean has(String lowerName) {
        return fields.stream().anyMatch(f -> name(f).equals(lowerName));
    }

    private static boolean isFieldStart(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        for (int i = 0; i < colon; i++) {
            char c = line.charAt(i);
            // RFC 5322 §3.6.8: printable US-ASCII except colon; we allow white space before the colon.
            if (c < 33 || c > 126) {
                return line.substring(i, colon).isBlank();
            }
        }
        return true;
    }

    /** One line including its LF; an empty array at end of input. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            line.write(c);
            if (c == '\n') {
                break;
            }
        }
        return line.toByteArray();
    }
}
