package org.bulwark.protocol;

/**
 * Why a PROXY protocol header was refused, in the words of Postfix's haproxy server
 * ({@code warning: haproxy read: REASON: HEADER}).
 */
public final class ProxyTexts {

    private ProxyTexts() {
    }

    public static final String SHORT_HEADER = "short protocol header";
    public static final String UNRECOGNIZED_HEADER = "unrecognized protocol header";
    public static final String UNRECOGNIZED_VERSION = "unrecognized protocol version";
    public static final String SHORT_V2_HEADER = "short version 2 protocol header";
    public static final String LONG_HEADER = "protocol header too long";
    public static final String MISSING_TERMINATOR = "missing protocol header terminator";
    public static final String BAD_HEADER = "bad or missing protocol header";
    public static final String BAD_PROTOCOL = "bad or missing protocol type";
    public static final String BAD_CLIENT_ADDRESS = "bad or missing client address";
    public static final String BAD_SERVER_ADDRESS = "bad or missing server address";
    public static final String BAD_CLIENT_PORT = "bad or missing client port";
    public static final String BAD_SERVER_PORT = "bad or missing server port";
    public static final String TRAILING_FIELDS = "unexpected data after the server port";
    public static final String SHORT_ADDRESS = "short address field";
    public static final String UNSUPPORTED_NETWORK = "unsupported network protocol";
    public static final String BAD_COMMAND = "bad command in proxy header";
    public static final String BAD_TLV = "malformed TLV in proxy header";
}
