package org.bulwark.delivery.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.bulwark.mail.SmtpReply;
import org.bulwark.util.Cidr;
import org.bulwark.util.IpAddresses;

/**
 * One connection to one SMTP server (or LMTP server: LHLO, over TCP or a unix-domain socket):
 * greeting, EHLO (HELO when EHLO is refused), STARTTLS per the
 * TLS level, and the command/reply primitives the transaction uses. Not thread-safe: a connection
 * serves one delivery at a time (the cache hands it to the next).
 */
final class SmtpConnection implements AutoCloseable {

    /** RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets; we allow slack, and bound the count. */
    private static final int MAX_LINE = 4096;
    private static final int MAX_LINES = 200;
    private static final Pattern ENHANCED = Pattern.compile("^([245]\\.\\d{1,3}\\.\\d{1,3})(?:\\s+(.*))?$");

    private final String host;
    private final String peer;
    private final String relay;
    private final SmtpSettings settings;
    private final Instant opened = Instant.now();
    private Wire wire;
    private Map<String, String> extensions = Map.of();
    private boolean esmtp;
    private ClientTls.Established tls;
    /** The certificate matched what the TLS level demands (verify, secure, DANE, fingerprint). */
    private boolean tlsVerified;

    /**
     * @param host  the name the server is known by (TLS SNI and certificate names)
     * @param peer  {@code host[address]} for texts
     * @param relay the {@code relay=} log field
     */
    private SmtpConnection(String host, String peer, String relay, SmtpSettings settings) {
        this.host = host;
        this.peer = peer;
        this.relay = relay;
        this.settings = settings;
    }

    /** Connects, reads the greeting and says EHLO (LHLO), with STARTTLS when the level asks for it. */
    static SmtpConnection open(Route.Server server, SmtpSettings settings, ClientTls tlsEngine,
            TlsPolicy policy, Consumer<String> log) throws SessionFailure {
        SmtpConnection c = new SmtpConnection(server.host(), SmtpTexts.peer(server.host(), server.address()),
                SmtpTexts.relay(server.host(), server.address(), server.port()), settings);
        try {
            c.wire = connect(server, settings);
            c.greet(tlsEngine, policy, log);
            return c;
        } catch (SessionFailure f) {
            if (f.tlsResult() != null) {
                f.sentFrom(c.localAddress());
            }
            c.closeQuietly();
            // Trouble before MAIL FROM is this server's: another MX may do better (RFC 5321 §5.1).
            throw f.temporary() && !f.tryNextServer() ? f.keepingTlsReport(new SessionFailure(true, f.dsn(), f.text(), true))
                    : f;
        }
    }

    /**
     * Connects to an LMTP server's unix-domain socket, as Postfix does: the server is named
     * {@code myhostname[path]} in texts and the log, and the session has no TLS.
     *
     * @param path  the socket, resolved against {@code queue_directory}
     * @param label the path as the nexthop wrote it
     */
    static SmtpConnection openUnix(String myhostname, Path path, String label, SmtpSettings settings,
            Consumer<String> log) throws SessionFailure {
        String name = SmtpTexts.peer(myhostname, label);
        SmtpConnection c = new SmtpConnection(myhostname, name, name, settings);
        try {
            try {
                c.wire = UnixWire.connect(path);
            } catch (IOException e) {
                throw SessionFailure.notConnected(SmtpTexts.connectFailed(label, reason(e)));
            }
            c.greet(null, TlsPolicy.of(TlsLevel.NONE), log);
            return c;
        } catch (SessionFailure f) {
            c.closeQuietly();
            throw f;
        }
    }

    String peer() {
        return peer;
    }

    String relay() {
        return relay;
    }

    Instant opened() {
        return opened;
    }

    boolean supports(String keyword) {
        return extensions.containsKey(keyword);
    }

    /** What follows an EHLO keyword (XFORWARD's attribute names), or "" when it was not announced. */
    String extension(String keyword) {
        return extensions.getOrDefault(keyword, "");
    }

    /** The SIZE limit the server announced; 0 when none. */
    long sizeLimit() {
        String v = extensions.get("SIZE");
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    boolean encrypted() {
        return tls != null;
    }

    /** Whether this session speaks LMTP (RFC 2033): LHLO, and a reply per recipient after the data. */
    boolean lmtp() {
        return settings.lmtp();
    }

    /** The TLS handshake's outcome, or null when the session is in plaintext. */
    ClientTls.Established tlsSession() {
        return tls;
    }

    /** The address this end of the connection has, or "" (a unix-domain socket, no connection). */
    String localAddress() {
        if (wire instanceof TcpWire tcp && tcp.socket().getLocalAddress() != null) {
            return IpAddresses.format(tcp.socket().getLocalAddress());
        }
        return "";
    }

    /** Whether the server's certificate was verified against the policy (Postfix's TLS_CERT_IS_MATCHED). */
    boolean tlsVerified() {
        return tlsVerified;
    }

    /** The mechanisms of the AUTH extension, also from the old {@code AUTH=} form; empty when not offered. */
    String authMechanisms() {
        StringBuilder words = new StringBuilder();
        extensions.forEach((keyword, value) -> {
            if (keyword.equals("AUTH")) {
                words.append(' ').append(value);
            } else if (keyword.startsWith("AUTH=")) {
                words.append(' ').append(keyword.substring(5)).append(' ').append(value);
            }
        });
        return words.toString().trim();
    }

    boolean offersAuth() {
        return extensions.keySet().stream().anyMatch(k -> k.equals("AUTH") || k.startsWith("AUTH="));
    }

    /** The name the server is known by (its MX or relayhost name): the key of its SASL login. */
    String host() {
        return host;
    }

    private static Wire connect(Route.Server server, SmtpSettings settings) throws SessionFailure {
        Socket socket = new Socket();
        try {
            String bind = server.address() instanceof java.net.Inet6Address ? settings.bindAddress6() : settings.bindAddress();
            if (!bind.isEmpty()) {
                byte[] b = Cidr.literalBytes(bind);
                if (b != null) {
                    socket.bind(new InetSocketAddress(InetAddress.getByAddress(b), 0));
                }
            }
            socket.connect(new InetSocketAddress(server.address(), server.port()),
                    millis(settings.timeouts().connect()));
            socket.setTcpNoDelay(true);
            return new TcpWire(socket);
        } catch (SocketTimeoutException e) {
            closeSocket(socket);
            throw SessionFailure.notConnected(SmtpTexts.connectFailed(
                    SmtpTexts.relay(server.host(), server.address(), server.port()), "Connection timed out"));
        } catch (IOException e) {
            closeSocket(socket);
            throw SessionFailure.notConnected(SmtpTexts.connectFailed(
                    SmtpTexts.relay(server.host(), server.address(), server.port()), reason(e)));
        }
    }

    private static String reason(IOException e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return why.toLowerCase(Locale.ROOT).contains("refused") ? "Connection refused" : why;
    }

    private static void closeSocket(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }

    private void greet(ClientTls tlsEngine, TlsPolicy policy, Consumer<String> log)
            throws SessionFailure {
        // smtp_tls_wrappermode (RFC 8314 §3.3, port 465): TLS from the first byte, the greeting inside it, no STARTTLS.
        boolean wrapper = settings.wrapperMode() && tlsEngine != null && wire instanceof TcpWire
                && policy.level() != TlsLevel.NONE;
        if (wrapper) {
            secure(tlsEngine, policy, log);
        }
        SmtpReply greeting = read(settings.timeouts().helo(), SmtpTexts.STAGE_GREETING);
        if (!greeting.isPositive()) {
            // Postfix (smtp_skip_5xx_greeting) treats a refusing server as unavailable and tries the next.
            boolean permanent = greeting.isPermanent() && !settings.skip5xxGreeting();
            throw new SessionFailure(!permanent, dsn(greeting), SmtpTexts.refusedGreeting(peer(), greeting.toString()),
                    true);
        }
        hello();
        TlsLevel level = policy.level();
        if (wrapper || level == TlsLevel.NONE || tlsEngine == null) {
            return;
        }
        if (!supports("STARTTLS")) {
            if (level.mandatory()) {
                throw new SessionFailure(true, "4.7.4", SmtpTexts.tlsNotOffered(peer()), true)
                        .tlsReport(TlsSessionReports.STARTTLS_NOT_SUPPORTED, "");
            }
            return;
        }
        SmtpReply reply = command("STARTTLS", settings.timeouts().starttls(), SmtpTexts.STAGE_STARTTLS);
        if (!reply.isPositive()) {
            if (level.mandatory()) {
                throw new SessionFailure(true, "4.7.4", SmtpTexts.starttlsRefused(peer(), reply.toString()), true)
                        .tlsReport(TlsSessionReports.STARTTLS_NOT_SUPPORTED, "");
            }
            return;
        }
        secure(tlsEngine, policy, log);
        // RFC 3207 §4.2: forget what was learned before TLS and say EHLO again.
        hello();
    }

    /** The TLS handshake on the connection as it stands, and the judgement of the server's certificate. */
    private void secure(ClientTls tlsEngine, TlsPolicy policy, Consumer<String> log) throws SessionFailure {
        TlsLevel level = policy.level();
        try {
            SSLSocket secure = tlsEngine.handshake(((TcpWire) wire).socket(), host, policy.serverName(),
                    millis(settings.timeouts().starttls()));
            wire = new TcpWire(secure);
            tls = tlsEngine.judge(secure.getSession(), policy);
        } catch (SSLException e) {
            // A failed handshake leaves the connection unusable; the caller decides about plaintext.
            throw SessionFailure.tlsHandshake(SmtpTexts.tlsFailed(peer(), e.getMessage()))
                    .tlsReport(TlsSessionReports.VALIDATION_FAILURE, "tls-handshake-failure");
        } catch (IOException e) {
            throw SessionFailure.deferred(SmtpTexts.lostConnection(peer(), SmtpTexts.STAGE_STARTTLS), true);
        }
        if (level.matchesAssociations()) {
            // Postfix logs the handshake first; the deferral then says only that the match failed.
            log.accept(SmtpTexts.tlsEstablished(tls.trust(), relay(), tls.protocol(), tls.cipher(), tls.bits()));
            if (!tls.nameMatched()) {
                throw new SessionFailure(true, "4.7.5", SmtpTexts.CERTIFICATE_NOT_VERIFIED, true)
                        .tlsReport(TlsSessionReports.CERTIFICATE_NOT_TRUSTED, "");
            }
        } else {
            if (level.authenticates() && !tls.chainTrusted()) {
                throw new SessionFailure(true, "4.7.5", SmtpTexts.certificateUntrusted(peer(), "untrusted issuer"),
                        true).tlsReport(tls.expired() ? TlsSessionReports.CERTIFICATE_EXPIRED
                                : TlsSessionReports.CERTIFICATE_NOT_TRUSTED, "");
            }
            if (level.authenticates() && !tls.nameMatched()) {
                throw new SessionFailure(true, "4.7.5",
                        SmtpTexts.certificateNameMismatch(peer(), String.join(", ", policy.names())), true)
                        .tlsReport(TlsSessionReports.CERTIFICATE_HOST_MISMATCH, "");
            }
            log.accept(SmtpTexts.tlsEstablished(tls.trust(), relay(), tls.protocol(), tls.cipher(), tls.bits()));
        }
        tlsVerified = level.authenticates() || level.matchesAssociations();
    }

    private void hello() throws SessionFailure {
        if (settings.lmtp()) {
            // RFC 2033 §4.1: LHLO, with no fallback to HELO.
            SmtpReply lhlo = command("LHLO " + settings.heloName(), settings.timeouts().helo(), SmtpTexts.STAGE_LHLO);
            if (!lhlo.isPositive()) {
                throw new SessionFailure(lhlo.isTransient(), dsn(lhlo),
                        SmtpTexts.hostSaid(peer(), lhlo.toString(), "LHLO"), false);
            }
            esmtp = true;
            extensions = parseExtensions(lhlo);
            return;
        }
        if (!settings.neverSendEhlo()) {
            SmtpReply ehlo = command("EHLO " + settings.heloName(), settings.timeouts().helo(), SmtpTexts.STAGE_EHLO);
            if (ehlo.isPositive()) {
                esmtp = true;
                extensions = parseExtensions(ehlo);
                return;
            }
        }
        SmtpReply helo = command("HELO " + settings.heloName(), settings.timeouts().helo(), SmtpTexts.STAGE_HELO);
        if (!helo.isPositive()) {
            throw new SessionFailure(helo.isTransient(), dsn(helo),
                    SmtpTexts.hostSaid(peer(), helo.toString(), "HELO"), false);
        }
        esmtp = false;
        extensions = Map.of();
    }

    private static Map<String, String> parseExtensions(SmtpReply ehlo) {
        Map<String, String> map = new HashMap<>();
        for (int i = 1; i < ehlo.lines().size(); i++) {
            String line = ehlo.lines().get(i).trim();
            int space = line.indexOf(' ');
            String keyword = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
            map.put(keyword, space < 0 ? "" : line.substring(space + 1));
        }
        return Map.copyOf(map);
    }

    /** Sends one command and reads its reply. */
    SmtpReply command(String line, Duration timeout, String stage) throws SessionFailure {
        write(line);
        flush(stage);
        return read(timeout, stage);
    }

    /** Queues a command line without flushing (PIPELINING, RFC 2920 §3.1). */
    void write(String line) throws SessionFailure {
        try {
            wire.out().write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw SessionFailure.deferred(SmtpTexts.lostConnection(peer(), "sending " + verb(line)), false);
        }
    }

    void flush(String stage) throws SessionFailure {
        try {
            wire.out().flush();
        } catch (IOException e) {
            throw SessionFailure.deferred(SmtpTexts.lostConnection(peer(), stage), false);
        }
    }

    OutputStream output() {
        return wire.out();
    }

    /** Reads one whole reply, with the stage's time limit. */
    SmtpReply read(Duration timeout, String stage) throws SessionFailure {
        try {
            wire.readTimeout(timeout);
            List<String> lines = new ArrayList<>();
            int code = -1;
            while (true) {
                String line = readLine();
                if (line == null) {
                    throw SessionFailure.deferred(SmtpTexts.lostConnection(peer(), stage), false);
                }
                if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || lines.size() >= MAX_LINES) {
                    throw SessionFailure.deferred(SmtpTexts.lostConnection(peer(), stage), false);
                }
                int c = Integer.parseInt(line.substring(0, 3));
                if (code < 0) {
                    code = c;
                }
                lines.add(line.length() > 4 ? line.substring(4) : "");
                if (line.length() == 3 || line.charAt(3) != '-') {
                    break;
                }
            }
            if (code < 200 || code > 599) {
                throw SessionFailure.deferred(SmtpTexts.lostConnection(peer(), stage), false);
            }
            return withEnhanced(code, lines);
        } catch (SocketTimeoutException e) {
            throw SessionFailure.deferred(SmtpTexts.timedOut(peer(), stage), false);
        } catch (IOException e) {
            throw SessionFailure.deferred(SmtpTexts.lostConnection(peer(), stage), false);
        }
    }

    /** Splits an RFC 2034 enhanced status code off the first line, when the reply carries one. */
    private static SmtpReply withEnhanced(int code, List<String> lines) {
        Matcher m = ENHANCED.matcher(lines.get(0));
        if (m.matches() && m.group(1).charAt(0) == Character.forDigit(code / 100, 10)) {
            List<String> rest = new ArrayList<>(lines);
            rest.set(0, m.group(2) == null ? "" : m.group(2));
            for (int i = 1; i < rest.size(); i++) {
                Matcher n = ENHANCED.matcher(rest.get(i));
                if (n.matches()) {
                    rest.set(i, n.group(2) == null ? "" : n.group(2));
                }
            }
            return new SmtpReply(code, m.group(1), rest);
        }
        return new SmtpReply(code, null, lines);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = wire.in().read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.UTF_8);
            }
            if (line.size() < MAX_LINE) {
                line.write(b);
            }
        }
        return null;
    }

    /** The reply's RFC 3463 code, or one derived from the reply class. */
    static String dsn(SmtpReply reply) {
        return reply.enhanced() != null ? reply.enhanced() : (reply.code() / 100) + ".0.0";
    }

    /** Whether the connection can be handed to the next delivery: RSET answered 250 (RFC 5321 §4.1.1.5). */
    boolean reset() {
        try {
            return command("RSET", settings.timeouts().rset(), "sending RSET").isPositive();
        } catch (SessionFailure e) {
            return false;
        }
    }

    /** Says QUIT (best effort) and closes. */
    @Override
    public void close() {
        if (wire != null && wire.isOpen()) {
            try {
                write("QUIT");
                flush("sending QUIT");
                read(settings.timeouts().quit().compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5)
                        : settings.timeouts().quit(), "sending QUIT");
            } catch (SessionFailure e) {
                // The server is gone or slow; nothing is left to tell it.
            }
        }
        closeQuietly();
    }

    void closeQuietly() {
        if (wire != null) {
            wire.close();
        }
    }

    boolean isEsmtp() {
        return esmtp;
    }

    private static String verb(String line) {
        int space = line.indexOf(' ');
        String v = space < 0 ? line : line.substring(0, space);
        return v.equals("MAIL") ? "MAIL FROM" : v.equals("RCPT") ? "RCPT TO" : v;
    }

    static int millis(Duration d) {
        long ms = d.toMillis();
        return ms <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, ms);
    }
}
