package org.bulwark.mailauth;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Splits a header block into its fields (RFC 5322 §2.2); line ends may be LF or CRLF. */
public final class MessageHeaders {

    private MessageHeaders() {
    }

    /** The fields of a header block (bytes read as ISO-8859-1, so 8-bit text survives unchanged). */
    public static List<HeaderField> parse(String block) {
        List<HeaderField> fields = new ArrayList<>();
        StringBuilder current = null;
        for (String line : block.replace("\r\n", "\n").split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                current.append("\r\n").append(line);
                continue;
            }
            if (current != null && current.indexOf(":") > 0) {
                fields.add(HeaderField.of(current.toString()));
            }
            current = new StringBuilder(line);
        }
        if (current != null && current.indexOf(":") > 0) {
            fields.add(HeaderField.of(current.toString()));
        }
        return fields;
    }

    /** The offset of the body in a whole message: after the first empty line, or the end. */
    public static int bodyOffset(byte[] message) {
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '\n' && (i == 0 || i + 1 < message.length && message[i + 1] == '\n'
                    || i + 2 < message.length && message[i + 1] == '\r' && message[i + 2] == '\n')) {
                if (i == 0) {
                    return 1;
                }
                return message[i + 1] == '\n' ? i + 2 : i + 3;
            }
        }
        return message.length;
    }

    /** The header fields of a whole message. */
    public static List<HeaderField> of(byte[] message) {
        int body = bodyOffset(message);
        return parse(new String(message, 0, body, StandardCharsets.ISO_8859_1));
    }
}
