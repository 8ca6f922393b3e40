package org.bulwark.smtpd;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.protocol.ProtocolException;
import org.bulwark.protocol.ProxyHeader;
import org.bulwark.protocol.ProxyTexts;
import org.bulwark.tls.TlsSummary;

/**
 * The pre-stage of a service behind a load balancer ({@code smtpd_upstream_proxy_protocol =
 * haproxy}): before anything else, the PROXY protocol header (v1 or v2) is read within
 * smtpd_upstream_proxy_timeout, and the client it names becomes the session's client, for
 * mynetworks, the restrictions, anvil, the log lines and Received:. The header is read from the
 * bare socket without reading past it, so the SMTP (or, in wrapper mode, TLS) bytes behind it
 * stay for the session. Without a valid header the connection is never the proxy's own: the
 * reason is logged and the session ends, as Postfix's smtpd hangs up.
 */
public final class UpstreamProxy {

    private final Duration timeout;
    private final boolean ipv4;
    private final boolean ipv6;

    private UpstreamProxy(Duration timeout, boolean ipv4, boolean ipv6) {
        this.timeout = timeout;
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
    }

    /** The service's pre-stage, or null when clients connect directly. */
    static UpstreamProxy from(Config config) {
        return from(config, "smtpd_upstream_proxy_protocol", "smtpd_upstream_proxy_timeout");
    }

    /**
     * The pre-stage that the named parameters configure (postscreen has its own pair), or null when
     * the protocol parameter is empty.
     */
    public static UpstreamProxy from(Config config, String protocolParameter, String timeoutParameter) {
        if (config.get(protocolParameter).isBlank()) {
            return null;
        }
        // As Postfix: only clients of the protocols inet_protocols enables.
        java.util.List<String> protocols = config.list("inet_protocols");
        boolean all = protocols.contains("all");
        return new UpstreamProxy(config.time(timeoutParameter), all || protocols.contains("ipv4"),
                all || protocols.contains("ipv6"));
    }

    /**
     * Who the header says connected: the client and the server address and port they reached, and, when
     * the client spoke TLS to the proxy (PP2_TYPE_SSL), what it agreed on; null when the client is
     * unknown.
     */
    public record Client(InetAddress address, int port, InetAddress serverAddress, int serverPort, TlsSummary tls) {
    }

    /**
     * Reads the header from the accepted socket. Returns null, after logging Postfix's
     * {@code haproxy read:} warning, when there is no valid one or the connection failed first.
     */
    public Client receive(Socket socket, MailLog.Logger log) {
        byte[] buffer = new byte[ProxyHeader.MAX];
        int length = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        int oldTimeout;
        try {
            oldTimeout = socket.getSoTimeout();
        } catch (IOException e) {
            log.warning(UpstreamProxyTexts.failed(e.getMessage()));
            return null;
        }
        try {
            InputStream in = socket.getInputStream();
            int missing;
            while ((missing = ProxyHeader.missing(buffer, length)) > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException();
                }
                socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
                int read = in.read(buffer, length, missing);
                if (read < 0) {
                    if (length == 0) {
                        log.warning(UpstreamProxyTexts.eof());
                        return null;
                    }
                    // What came is not a whole header; the parser says what is wrong with it.
                    ProxyHeader.parse(Arrays.copyOf(buffer, length));
                    log.warning(UpstreamProxyTexts.eof());
                    return null;
                }
                length += read;
            }
            ProxyHeader header = ProxyHeader.parse(Arrays.copyOf(buffer, length));
            if (header instanceof ProxyHeader.Proxied proxied && !enabled(proxied.clientAddress())) {
                log.warning(UpstreamProxyTexts.refused(proxied.version() == 1 ? ProxyTexts.BAD_PROTOCOL
                        : UpstreamProxyTexts.protocolDisabled(proxied.clientAddress()), buffer, length));
                return null;
            }
            return accept(header, socket, buffer, length, log);
        } catch (ProtocolException e) {
            log.warning(UpstreamProxyTexts.refused(e.getMessage(), buffer, length));
            return null;
        } catch (SocketTimeoutException e) {
            log.warning(UpstreamProxyTexts.timeout());
            return null;
        } catch (IOException e) {
            log.warning(UpstreamProxyTexts.failed(e.getMessage()));
            return null;
        } finally {
            restore(socket, oldTimeout);
        }
    }

    private boolean enabled(InetAddress client) {
        return client instanceof java.net.Inet4Address ? ipv4 : ipv6;
    }

    private static void restore(Socket socket, int timeout) {
        try {
            socket.setSoTimeout(timeout);
        } catch (IOException e) {
            // The socket is gone; the session ends at its first read.
        }
    }

    private static Client accept(ProxyHeader header, Socket socket, byte[] buffer, int length, MailLog.Logger log) {
        return switch (header) {
            case ProxyHeader.Proxied proxied -> new Client(proxied.clientAddress(), proxied.clientPort(),
                    proxied.serverAddress(), proxied.serverPort(), tls(proxied.tls()));
            // A health check from the proxy itself: the connection is what it is (Postfix's smtpd_peer_from_default).
            case ProxyHeader.Local local -> new Client(socket.getInetAddress(), socket.getPort(),
                    socket.getLocalAddress(), socket.getLocalPort(), null);
            case ProxyHeader.Unknown unknown -> refuse(unknown, buffer, length, log);
        };
    }

    /**
     * Postfix refuses a proxy that does not know the client: it would sidestep every
     * address-based access control.
     */
    private static Client refuse(ProxyHeader header, byte[] buffer, int length, MailLog.Logger log) {
        String reason = header instanceof ProxyHeader.Unknown unknown && unknown.version() == 1
                ? ProxyTexts.BAD_PROTOCOL : ProxyTexts.UNSUPPORTED_NETWORK;
        log.warning(UpstreamProxyTexts.refused(reason, buffer, length));
        return null;
    }

    /**
     * The client's TLS with the proxy, as the Received header and the restrictions describe TLS.
     * HAProxy's send-proxy-v2-ssl names the version; the cipher only with
     * {@code proxy-v2-options ssl-cipher}.
     */
    private static TlsSummary tls(ProxyHeader.ProxyTls tls) {
        if (tls == null || !tls.tls()) {
            return null;
        }
        String cipher = tls.cipher() == null ? UNKNOWN : tls.cipher();
        return new TlsSummary(tls.version() == null ? UNKNOWN : tls.version(), cipher, bits(cipher));
    }

    private static final String UNKNOWN = "unknown";

    /** The key size of an OpenSSL or IANA cipher name, as far as the name tells it. */
    private static int bits(String cipher) {
        if (cipher.contains("AES_256") || cipher.contains("AES256") || cipher.contains("CHACHA20")) {
            return 256;
        }
        return cipher.contains("AES_128") || cipher.contains("AES128") ? 128 : 0;
    }
}
