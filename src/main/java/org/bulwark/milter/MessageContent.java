package org.bulwark.milter;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The message as the milters are to see it: its headers (without our own Received: header, as
 * Postfix hides it) and a body that can be opened once per milter, in CRLF form, not dot-stuffed.
 */
public record MessageContent(List<Header> headers, Body body) {

    public MessageContent {
        headers = List.copyOf(headers);
    }

    /**
     * One header: its name, and its value as it follows the colon in the message (leading space
     * included, continuation lines separated by CRLF).
     */
    public record Header(String name, String value) { }

    /** Opens the body from its first byte. */
    @FunctionalInterface
    public interface Body {
        InputStream open() throws IOException;
    }
}
