package org.bulwark.protocol;

/** RFC 3461 §4 xtext, as ENVID and ORCPT carry it: printable ASCII with {@code +XX} escapes. */
public final class Xtext {

    private Xtext() {
    }

    /** Decodes xtext; {@code null} when it is malformed or decodes to something unprintable. */
    public static String decode(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+') {
                if (i + 2 >= text.length()) {
                    return null;
                }
                int hi = hex(text.charAt(i + 1));
                int lo = hex(text.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    return null;
                }
                c = (char) (hi * 16 + lo);
                i += 2;
            } else if (c < 33 || c > 126 || c == '=') {
                return null;
            }
            if (c < 32 || c > 126) {
                return null;
            }
            b.append(c);
        }
        return b.toString();
    }

    /** Encodes text as xtext. */
    public static String encode(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 33 || c > 126 || c == '+' || c == '=') {
                b.append('+').append(String.format("%02X", (int) c & 0xff));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
