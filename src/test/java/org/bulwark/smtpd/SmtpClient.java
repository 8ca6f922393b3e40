package org.bulwark.smtpd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.bulwark.testing.OpensslCertificates;

/**
 * A bare SMTP client for tests: raw writes, whole replies read back as text; it can switch to TLS
 * on the open connection (after STARTTLS, or at once for wrapper mode).
 */
final class SmtpClient implements AutoCloseable {

    /** The chain the server presented in the last handshake. */
    final List<X509Certificate> serverCertificates = new ArrayList<>();
    private final Socket plain;
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;

    SmtpClient(int port) throws IOException {
        this(port, "127.0.0.1");
    }

    SmtpClient(int port, String localAddress) throws IOException {
        plain = new Socket();
        plain.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        plain.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 5000);
        plain.setSoTimeout(20_000);
        use(plain);
    }

    private void use(Socket s) throws IOException {
        socket = s;
        in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        out = s.getOutputStream();
    }

    /** The TLS handshake on the connection as it is now, with the given protocols (none: the JDK's). */
    SSLSocket handshake(String... protocols) throws Exception {
        SSLContext context = OpensslCertificates.trustingClient(serverCertificates);
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, "mx.example.org", plain.getPort(), true);
        tls.setUseClientMode(true);
        if (protocols.length > 0) {
            tls.setEnabledProtocols(protocols);
        }
        tls.startHandshake();
        use(tls);
        return tls;
    }

    /** One reply, its lines joined with LF, or {@code null} when the server closed the connection. */
    String reply() throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                return b.isEmpty() ? null : b.toString();
            }
            if (!b.isEmpty()) {
                b.append('\n');
            }
            b.append(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return b.toString();
            }
        }
    }

    void write(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void write(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Sends one command line and returns the reply. */
    String send(String line) throws IOException {
        write(line + "\r\n");
        return reply();
    }

    /** Whether the server has closed the connection (the next read sees end of stream). */
    boolean closedByServer() throws IOException {
        return in.readLine() == null;
    }

    /** AUTH's base64 of a UTF-8 text. */
    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
