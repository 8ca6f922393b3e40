package org.bulwark.protocol;

import java.nio.charset.StandardCharsets;

/**
 * One command line as received, without its line end. {@code tooLong} says the client sent more
 * than the limit; the rest of that line was read and thrown away.
 */
public record InputLine(byte[] bytes, LineEnding ending, boolean tooLong) {

    /** The line as text; UTF-8 is what SMTPUTF8 clients send (RFC 6531 §3.3). */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public boolean isAscii() {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether the bytes are well-formed UTF-8. */
    public boolean isValidUtf8() {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }
}
