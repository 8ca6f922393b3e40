package org.bulwark.queue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Envelope fields in a queue file are space-separated tokens. A token is the value's UTF-8 bytes
 * with white space, controls, {@code %} and DEL written as {@code %XX}; {@code -} stands for an
 * absent value and {@code =} for an empty one, so every token is non-empty and contains no space.
 */
final class FieldCodec {

    static final String ABSENT = "-";
    static final String EMPTY = "=";

    private FieldCodec() {
    }

    static String encode(String value) {
        return encode(value, false);
    }

    /** Like {@link #encode}, but escapes non-ASCII too, so one char is one byte. */
    static String encodeAscii(String value) {
        return encode(value, true);
    }

    private static String encode(String value, boolean asciiOnly) {
        if (value == null) {
            return ABSENT;
        }
        if (value.isEmpty()) {
            return EMPTY;
        }
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c == 0x7f || c == '%' || (asciiOnly && c >= 0x80)) {
                out.append('%').append(hex(c >> 4)).append(hex(c & 0xf));
            } else {
                out.append((char) c);
            }
        }
        String s = out.toString();
        if (s.equals(ABSENT) || s.equals(EMPTY)) {
            return "%" + hex(s.charAt(0) >> 4) + hex(s.charAt(0) & 0xf);
        }
        // Non-ASCII bytes were appended one per char; rebuild them as UTF-8 below.
        return new String(latin1(s), StandardCharsets.UTF_8);
    }

    static String decode(String token) {
        if (token.equals(ABSENT)) {
            return null;
        }
        if (token.equals(EMPTY)) {
            return "";
        }
        byte[] bytes = token.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%') {
                if (i + 2 >= bytes.length) {
                    throw new IllegalArgumentException("truncated escape in " + token);
                }
                int hi = Character.digit(bytes[i + 1], 16);
                int lo = Character.digit(bytes[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad escape in " + token);
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static char hex(int nibble) {
        return "0123456789ABCDEF".charAt(nibble);
    }
}
