package org.bulwark.protocol;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * The PROXY protocol header a load balancer such as HAProxy sends before the client's first
 * byte (haproxy's proxy-protocol.txt): version 1, one text line
 * {@code PROXY TCP4|TCP6|UNKNOWN src dst sport dport\r\n} of at most 107 bytes, and version 2,
 * a 16-byte binary header (12-byte signature, version and command, family, length) followed by
 * the addresses and TLVs. Pure: {@link #missing} tells a reader how many more bytes to read, so it
 * never reads past the header into the SMTP bytes that follow, and {@link #parse} reads a whole
 * header. Any bytes give a result or a {@link ProtocolException} whose message is Postfix's reason.
 */
public sealed interface ProxyHeader {

    /** Version 1's longest line, CRLF included (proxy-protocol.txt §2.1). */
    int V1_MAX = 107;
    /** Version 2's fixed part. */
    int V2_FIXED = 16;
    /**
     * Postfix peeks at most this much (a header is meant to fit in the smallest TCP segment); a
     * longer header is refused rather than buffered.
     */
    int MAX = 536;

    /** The header's length in bytes. */
    int length();

    /** A proxied TCP connection: who connected to the proxy, and which of its addresses they reached. */
    record Proxied(int version, InetAddress clientAddress, int clientPort, InetAddress serverAddress, int serverPort,
            ProxyTls tls, int length) implements ProxyHeader {
    }

    /**
     * Version 2's LOCAL command: the proxy's own connection (a health check); the connection's
     * own addresses apply, as Postfix's smtpd_peer_from_default.
     */
    record Local(int length) implements ProxyHeader {
    }

    /**
     * Version 1's {@code UNKNOWN} or version 2's unspecified family: the proxy does not know the
     * client. Postfix refuses it, because it would sidestep address-based access control.
     */
    record Unknown(int version, int length) implements ProxyHeader {
    }

    /**
     * PP2_TYPE_SSL: the client spoke TLS to the proxy. {@code verified} is the proxy's verify
     * result of a client certificate, if one was presented.
     */
    record ProxyTls(boolean tls, boolean certificatePresented, boolean verified, String version, String cipher,
            String commonName) {
    }

    /**
     * How many more bytes the header in {@code bytes[0..length)} needs: 0 when it is complete. A
     * version 1 line is read a byte at a time (its end is the LF); version 2 exactly to its
     * declared length.
     *
     * @throws ProtocolException when what is there cannot begin a valid header
     */
    static int missing(byte[] bytes, int length) throws ProtocolException {
        if (length == 0) {
            return 1;
        }
        if (bytes[0] == 'P') {
            int prefix = Math.min(length, ProxyV1.PREFIX.length);
            if (!Arrays.equals(bytes, 0, prefix, ProxyV1.PREFIX, 0, prefix)) {
                throw new ProtocolException(length < V2_FIXED ? ProxyTexts.SHORT_HEADER : ProxyTexts.UNRECOGNIZED_HEADER);
            }
            if (bytes[length - 1] == '\n') {
                return 0;
            }
            if (length >= V1_MAX) {
                throw new ProtocolException(ProxyTexts.MISSING_TERMINATOR);
            }
            return 1;
        }
        if (length < V2_FIXED) {
            if (!Arrays.equals(bytes, 0, Math.min(length, ProxyV2.SIGNATURE.length), ProxyV2.SIGNATURE, 0,
                    Math.min(length, ProxyV2.SIGNATURE.length))) {
                throw new ProtocolException(ProxyTexts.UNRECOGNIZED_HEADER);
            }
            return V2_FIXED - length;
        }
        if (!Arrays.equals(bytes, 0, ProxyV2.SIGNATURE.length, ProxyV2.SIGNATURE, 0, ProxyV2.SIGNATURE.length)) {
            throw new ProtocolException(ProxyTexts.UNRECOGNIZED_HEADER);
        }
        int total = V2_FIXED + u16(bytes, 14);
        if (total > MAX) {
            throw new ProtocolException(ProxyTexts.LONG_HEADER);
        }
        return Math.max(0, total - length);
    }

    /**
     * Reads one whole header, exactly {@code header.length} bytes as {@link #missing} framed it.
     *
     * @throws ProtocolException with Postfix's reason when the header is not valid
     */
    static ProxyHeader parse(byte[] header) throws ProtocolException {
        if (header.length >= ProxyV1.PREFIX.length
                && Arrays.equals(header, 0, ProxyV1.PREFIX.length, ProxyV1.PREFIX, 0, ProxyV1.PREFIX.length)) {
            return ProxyV1.parse(header);
        }
        return ProxyV2.parse(header);
    }

    private static int u16(byte[] bytes, int at) {
        return (bytes[at] & 0xff) << 8 | bytes[at + 1] & 0xff;
    }
}
