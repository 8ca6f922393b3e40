package org.bulwark.protocol;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * PROXY protocol version 2: signature, version and command, family and transport, length, then
 * the addresses and TLVs (proxy-protocol.txt §2.2). Of the TLVs, PP2_TYPE_SSL is read (whether
 * the client spoke TLS to the proxy, with what); the others are skipped.
 */
final class ProxyV2 {

    /** The 12 bytes every version 2 header begins with. */
    static final byte[] SIGNATURE = {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n'};

    private static final int CMD_LOCAL = 0x0;
    private static final int CMD_PROXY = 0x1;
    private static final int TCP4 = 0x11;
    private static final int TCP6 = 0x21;
    private static final int UNSPEC = 0x00;
    private static final int TYPE_SSL = 0x20;
    private static final int SUBTYPE_SSL_VERSION = 0x21;
    private static final int SUBTYPE_SSL_CN = 0x22;
    private static final int SUBTYPE_SSL_CIPHER = 0x23;
    private static final int CLIENT_SSL = 0x01;
    private static final int CLIENT_CERT_CONN = 0x02;
    private static final int CLIENT_CERT_SESS = 0x04;

    private ProxyV2() {
    }

    static ProxyHeader parse(byte[] bytes) throws ProtocolException {
        if (bytes.length < ProxyHeader.V2_FIXED) {
            throw new ProtocolException(ProxyTexts.SHORT_HEADER);
        }
        if (!Arrays.equals(bytes, 0, 12, SIGNATURE, 0, 12)) {
            throw new ProtocolException(ProxyTexts.UNRECOGNIZED_HEADER);
        }
        if ((bytes[12] & 0xf0) != 0x20) {
            throw new ProtocolException(ProxyTexts.UNRECOGNIZED_VERSION);
        }
        int declared = u16(bytes, 14);
        int length = ProxyHeader.V2_FIXED + declared;
        if (length > ProxyHeader.MAX) {
            throw new ProtocolException(ProxyTexts.LONG_HEADER);
        }
        if (bytes.length < length) {
            throw new ProtocolException(ProxyTexts.SHORT_V2_HEADER);
        }
        switch (bytes[12] & 0x0f) {
            case CMD_LOCAL -> {
                return new ProxyHeader.Local(length);
            }
            case CMD_PROXY -> {
                // Below.
            }
            default -> throw new ProtocolException(ProxyTexts.BAD_COMMAND);
        }
        int family = bytes[13] & 0xff;
        int addressLength = switch (family) {
            case TCP4 -> 4;
            case TCP6 -> 16;
            case UNSPEC -> 0;
            default -> throw new ProtocolException(ProxyTexts.UNSUPPORTED_NETWORK);
        };
        if (family == UNSPEC) {
            return new ProxyHeader.Unknown(2, length);
        }
        int at = ProxyHeader.V2_FIXED;
        if (declared < 2 * addressLength + 4) {
            throw new ProtocolException(ProxyTexts.SHORT_ADDRESS);
        }
        InetAddress client = address(Arrays.copyOfRange(bytes, at, at + addressLength));
        InetAddress server = address(Arrays.copyOfRange(bytes, at + addressLength, at + 2 * addressLength));
        int clientPort = u16(bytes, at + 2 * addressLength);
        int serverPort = u16(bytes, at + 2 * addressLength + 2);
        ProxyHeader.ProxyTls tls = tlvs(bytes, at + 2 * addressLength + 4, length);
        return new ProxyHeader.Proxied(2, client, clientPort, server, serverPort, tls, length);
    }

    /** The TLVs from {@code from} to {@code to}; the SSL one, if any, read. */
    private static ProxyHeader.ProxyTls tlvs(byte[] bytes, int from, int to) throws ProtocolException {
        ProxyHeader.ProxyTls tls = null;
        int at = from;
        while (at < to) {
            if (to - at < 3) {
                throw new ProtocolException(ProxyTexts.BAD_TLV);
            }
            int type = bytes[at] & 0xff;
            int length = u16(bytes, at + 1);
            int value = at + 3;
            if (length > to - value) {
                throw new ProtocolException(ProxyTexts.BAD_TLV);
            }
            if (type == TYPE_SSL) {
                tls = ssl(bytes, value, value + length);
            }
            at = value + length;
        }
        return tls;
    }

    /** PP2_TYPE_SSL: client flags (1 byte), verify result (4 bytes, 0 = verified), sub-TLVs. */
    private static ProxyHeader.ProxyTls ssl(byte[] bytes, int from, int to) throws ProtocolException {
        if (to - from < 5) {
            throw new ProtocolException(ProxyTexts.BAD_TLV);
        }
        int client = bytes[from] & 0xff;
        boolean verifiedResult = bytes[from + 1] == 0 && bytes[from + 2] == 0 && bytes[from + 3] == 0
                && bytes[from + 4] == 0;
        String version = null;
        String cipher = null;
        String commonName = null;
        int at = from + 5;
        while (at < to) {
            if (to - at < 3) {
                throw new ProtocolException(ProxyTexts.BAD_TLV);
            }
            int type = bytes[at] & 0xff;
            int length = u16(bytes, at + 1);
            int value = at + 3;
            if (length > to - value) {
                throw new ProtocolException(ProxyTexts.BAD_TLV);
            }
            String text = printable(bytes, value, length);
            switch (type) {
                case SUBTYPE_SSL_VERSION -> version = text;
                case SUBTYPE_SSL_CIPHER -> cipher = text;
                case SUBTYPE_SSL_CN -> commonName = text;
                default -> {
                    // Signature and key algorithms: not used.
                }
            }
            at = value + length;
        }
        boolean presented = (client & (CLIENT_CERT_CONN | CLIENT_CERT_SESS)) != 0;
        return new ProxyHeader.ProxyTls((client & CLIENT_SSL) != 0, presented, presented && verifiedResult, version,
                cipher, commonName);
    }

    /**
     * The text as the proxy sent it, with control characters replaced: it reaches log lines and
     * the Received header.
     */
    private static String printable(byte[] bytes, int from, int length) {
        String text = new String(bytes, from, length, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
        return out.toString();
    }

    /** An IPv4-mapped IPv6 address becomes IPv4, as Postfix logs and matches it. */
    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + raw.length + " bytes", e);
        }
    }

    private static int u16(byte[] bytes, int at) {
        return (bytes[at] & 0xff) << 8 | bytes[at + 1] & 0xff;
    }
}
