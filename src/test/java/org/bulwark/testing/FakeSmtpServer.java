package org.bulwark.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A scripted remote SMTP server on 127.0.0.1 for outbound tests: it announces the extensions a
 * test chooses, answers each RCPT as a function of the address says, can speak STARTTLS, holds
 * each transaction for a while (to observe concurrency), and records every message and command.
 *
 * <pre>{@code
 * try (FakeSmtpServer remote = FakeSmtpServer.start(FakeSmtpServer.options())) {
 *     ... deliver to 127.0.0.1:remote.port() ...
 *     remote.awaitMessages(1);
 * }
 * }</pre>
 */
public final class FakeSmtpServer implements AutoCloseable {

    /** A message as received: envelope lines as the client sent them and the content (CRLF, unstuffed). */
    public record Message(String mailFrom, List<String> rcptTo, String content, boolean tls) {

        /** The recipient addresses alone, without brackets or parameters. */
        public List<String> recipients() {
            return rcptTo.stream().map(r -> r.substring(r.indexOf('<') + 1, r.indexOf('>'))).toList();
        }
    }

    /** What the server says and offers; every field has a plain default. */
    public static final class Options {
        java.util.function.IntFunction<String> greeting = n -> "220 fake.remote.test ESMTP";
        boolean ehlo = true;
        List<String> extensions = new ArrayList<>(List.of("PIPELINING", "SIZE 10240000", "8BITMIME", "DSN",
                "SMTPUTF8", "ENHANCEDSTATUSCODES"));
        SSLContext tls;
        SSLContext wrapper;
        Function<String, String> mailReply = from -> "250 2.1.0 Ok";
        Function<String, String> rcptReply = to -> "250 2.1.5 Ok";
        Function<String, String> dataReply = content -> "250 2.0.0 Ok: queued as FAKE";
        String dataCommandReply = "354 End data with <CR><LF>.<CR><LF>";
        Duration holdBeforeDataReply = Duration.ZERO;
        boolean brokenTls;
        Function<String, String> auth;
        boolean lmtp;
        boolean wantClientCertificate;

        /**
         * Speaks LMTP (RFC 2033): LHLO instead of EHLO (EHLO and HELO get 500), and after the end
         * of data one reply per accepted recipient, each the data reply.
         */
        public Options lmtp() {
            lmtp = true;
            return this;
        }

        /** Asks the client for a certificate in the TLS handshake; see {@link #clientCertificates()}. */
        public Options wantClientCertificate() {
            wantClientCertificate = true;
            return this;
        }

        public Options greeting(String reply) {
            greeting = n -> reply;
            return this;
        }

        /** The greeting as a function of the connection's number (1 for the first). */
        public Options greeting(java.util.function.IntFunction<String> reply) {
            greeting = reply;
            return this;
        }

        /** Answers EHLO with 502, so the client must fall back to HELO. */
        public Options withoutEhlo() {
            ehlo = false;
            return this;
        }

        public Options extensions(String... keywords) {
            extensions = new ArrayList<>(List.of(keywords));
            return this;
        }

        /**
         * Speaks TLS from the first byte with this server context (SUBMISSIONS, RFC 8314 §3.3): the
         * greeting comes after the handshake, and STARTTLS is not offered. A client that sends
         * plaintext fails the handshake and gets no greeting.
         */
        public Options wrapperTls(SSLContext context) {
            wrapper = context;
            return this;
        }

        /** Offers STARTTLS with this server context. */
        public Options starttls(SSLContext context) {
            tls = context;
            return this;
        }

        public Options mailReply(Function<String, String> reply) {
            mailReply = reply;
            return this;
        }

        /** The reply to RCPT TO, given the address without brackets. */
        public Options rcptReply(Function<String, String> reply) {
            rcptReply = reply;
            return this;
        }

        /** The reply after the end of data, given the content. */
        public Options dataReply(Function<String, String> reply) {
            dataReply = reply;
            return this;
        }

        /** The reply to the DATA command itself; anything but 354 refuses it before any content. */
        public Options dataCommandReply(String reply) {
            dataCommandReply = reply;
            return this;
        }

        /**
         * Answers AUTH: the function gets the AUTH line and, while its reply starts with 334, each
         * response line of the exchange. Offer the mechanisms with {@link #extensions}.
         */
        public Options auth(Function<String, String> reply) {
            auth = reply;
            return this;
        }

        /** Offers STARTTLS but answers the handshake with plain text, as a misconfigured server does. */
        public Options brokenStarttls() {
            brokenTls = true;
            return this;
        }

        /** Waits this long before the end-of-data reply, so parallel sessions overlap. */
        public Options hold(Duration d) {
            holdBeforeDataReply = d;
            return this;
        }
    }

    private final ServerSocket listener;
    private final Options options;
    private final List<Message> messages = new CopyOnWriteArrayList<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<String> serverNames = new CopyOnWriteArrayList<>();
    private final List<String> clientCertificates = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger abandonedData = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger maxActive = new AtomicInteger();
    private volatile boolean closed;

    private FakeSmtpServer(ServerSocket listener, Options options) {
        this.listener = listener;
        this.options = options;
    }

    public static Options options() {
        return new Options();
    }

    public static FakeSmtpServer start(Options options) throws IOException {
        return start(options, 0);
    }

    /** On a chosen port (0: any free one), e.g. to bring up a remote that was down. */
    public static FakeSmtpServer start(Options options, int port) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 100);
        FakeSmtpServer server = new FakeSmtpServer(listener, options);
        Thread.ofVirtual().name("fake-smtp-accept").start(server::accept);
        return server;
    }

    public int port() {
        return listener.getLocalPort();
    }

    public List<Message> messages() {
        return List.copyOf(messages);
    }

    /** Every command line received, in order, across connections. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    /** The SNI name of each TLS handshake, in order ("" when the client sent none). */
    public List<String> serverNames() {
        return List.copyOf(serverNames);
    }

    /** Connections accepted so far. */
    /** The subject of each TLS client's certificate, or "" for a client that presented none, in order. */
    public List<String> clientCertificates() {
        return List.copyOf(clientCertificates);
    }

    public int connections() {
        return connections.get();
    }

    /** How often a client got 354 and then closed the connection without ending the data. */
    public int abandonedData() {
        return abandonedData.get();
    }

    /** The most connections that were open at the same time. */
    public int maxConcurrentSessions() {
        return maxActive.get();
    }

    /** Waits until {@code count} messages have arrived; fails after a generous limit. */
    public List<Message> awaitMessages(int count) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (messages.size() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        if (messages.size() < count) {
            throw new AssertionError("expected " + count + " messages at the fake server, got " + messages.size()
                    + "; commands: " + commands);
        }
        return messages();
    }

    /** Waits until clients have left {@code count} DATA transfers unfinished; fails after a generous limit. */
    public void awaitAbandonedData(int count) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (abandonedData.get() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        if (abandonedData.get() < count) {
            throw new AssertionError("expected " + count + " unfinished DATA transfers at the fake server, got "
                    + abandonedData.get() + "; commands: " + commands);
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = listener.accept();
                int number = connections.incrementAndGet();
                open.add(socket);
                Thread.ofVirtual().start(() -> serve(socket, number));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, int number) {
        int now = active.incrementAndGet();
        maxActive.accumulateAndGet(now, Math::max);
        try {
            new Dialogue(socket).run(options.greeting.apply(number));
        } catch (IOException e) {
            // the client went away
        } finally {
            active.decrementAndGet();
            open.remove(socket);
            try {
                socket.close();
            } catch (IOException e) {
                // closing
            }
        }
    }

    /** One connection's conversation. */
    private final class Dialogue {
        private Socket socket;
        private BufferedReader in;
        private OutputStream out;
        private boolean tls;
        private String from;
        private final List<String> rcpts = new ArrayList<>();

        Dialogue(Socket socket) throws IOException {
            this.socket = socket;
            streams();
        }

        private void streams() throws IOException {
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        void run(String greeting) throws IOException {
            if (options.wrapper != null) {
                secure(options.wrapper);
            }
            reply(greeting);
            if (!greeting.startsWith("2")) {
                String line = in.readLine();
                if (line != null) {
                    commands.add(line);
                    reply("221 2.0.0 Bye");
                }
                return;
            }
            String line;
            while ((line = in.readLine()) != null) {
                commands.add(line);
                String upper = line.toUpperCase(Locale.ROOT);
                if (options.lmtp && (upper.startsWith("EHLO") || upper.startsWith("HELO"))) {
                    reply("500 5.5.1 Error: LMTP speaks LHLO");
                } else if (upper.startsWith(options.lmtp ? "LHLO" : "EHLO")) {
                    if (!options.ehlo) {
                        reply("502 5.5.2 Error: command not recognized");
                        continue;
                    }
                    List<String> lines = new ArrayList<>(List.of("fake.remote.test"));
                    lines.addAll(options.extensions);
                    if ((options.tls != null || options.brokenTls) && !tls) {
                        lines.add("STARTTLS");
                    }
                    multiline(250, lines);
                } else if (upper.startsWith("HELO")) {
                    reply("250 fake.remote.test");
                } else if (upper.equals("STARTTLS") && options.brokenTls) {
                    reply("220 2.0.0 Ready to start TLS");
                    reply("this is not TLS at all");
                    return;
                } else if (upper.equals("STARTTLS") && options.tls != null && !tls) {
                    reply("220 2.0.0 Ready to start TLS");
                    secure(options.tls);
                } else if (upper.startsWith("MAIL FROM:")) {
                    from = line.substring(10);
                    rcpts.clear();
                    reply(options.mailReply.apply(from));
                } else if (upper.startsWith("RCPT TO:")) {
                    String arg = line.substring(8);
                    String address = arg.substring(arg.indexOf('<') + 1, Math.max(arg.indexOf('<') + 1, arg.indexOf('>')));
                    String r = options.rcptReply.apply(address);
                    if (r.startsWith("2")) {
                        rcpts.add(arg);
                    }
                    reply(r);
                } else if (upper.equals("DATA")) {
                    if (from == null || rcpts.isEmpty()) {
                        reply("554 5.5.1 Error: no valid recipients");
                        continue;
                    }
                    reply(options.dataCommandReply);
                    if (!options.dataCommandReply.startsWith("354")) {
                        continue;
                    }
                    String content = readData();
                    if (content == null) {
                        // The client went away before the end of data: no message.
                        abandonedData.incrementAndGet();
                        return;
                    }
                    sleep(options.holdBeforeDataReply);
                    String r = options.dataReply.apply(content);
                    if (r.startsWith("2")) {
                        messages.add(new Message(from, List.copyOf(rcpts), content, tls));
                    }
                    int replies = options.lmtp ? rcpts.size() : 1;
                    from = null;
                    rcpts.clear();
                    for (int i = 0; i < replies; i++) {
                        reply(r);
                    }
                } else if (upper.startsWith("AUTH ") && options.auth != null) {
                    String r = options.auth.apply(line);
                    reply(r);
                    while (r.startsWith("334")) {
                        String response = in.readLine();
                        if (response == null) {
                            return;
                        }
                        commands.add(response);
                        r = options.auth.apply(response);
                        reply(r);
                    }
                } else if (upper.equals("RSET")) {
                    from = null;
                    rcpts.clear();
                    reply("250 2.0.0 Ok");
                } else if (upper.equals("QUIT")) {
                    reply("221 2.0.0 Bye");
                    return;
                } else if (upper.equals("NOOP")) {
                    reply("250 2.0.0 Ok");
                } else {
                    reply("502 5.5.2 Error: command not recognized");
                }
            }
        }

        /** The TLS handshake on the connection as it stands; records the SNI and the client's certificate. */
        private void secure(SSLContext context) throws IOException {
            SSLSocket secure = (SSLSocket) context.getSocketFactory()
                    .createSocket(socket, null, socket.getPort(), true);
            secure.setUseClientMode(false);
            secure.setWantClientAuth(options.wantClientCertificate);
            secure.startHandshake();
            if (options.wantClientCertificate) {
                String subject;
                try {
                    subject = ((java.security.cert.X509Certificate) secure.getSession().getPeerCertificates()[0])
                            .getSubjectX500Principal().getName();
                } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                    subject = "";
                }
                clientCertificates.add(subject);
            }
            if (secure.getSession() instanceof javax.net.ssl.ExtendedSSLSession extended) {
                serverNames.add(extended.getRequestedServerNames().stream()
                        .map(n -> n instanceof javax.net.ssl.SNIHostName h ? h.getAsciiName() : n.toString())
                        .findFirst().orElse(""));
            }
            socket = secure;
            tls = true;
            streams();
        }

        /** The content up to the end-of-data line, or null when the connection ends before it. */
        private String readData() throws IOException {
            StringBuilder content = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals(".")) {
                    return content.toString();
                }
                content.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
            }
            return null;
        }

        private void reply(String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        private void multiline(int code, List<String> lines) throws IOException {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                b.append(code).append(i < lines.size() - 1 ? '-' : ' ').append(lines.get(i)).append("\r\n");
            }
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private static void sleep(Duration d) {
        if (!d.isZero()) {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
