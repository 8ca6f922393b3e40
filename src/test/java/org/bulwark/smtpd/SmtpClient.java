package org.bulwark.smtpd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A bare SMTP client for tests: raw writes, whole replies read back as text. */
final class SmtpClient implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    SmtpClient(int port) throws IOException {
        this(port, "127.0.0.1");
    }

    SmtpClient(int port, String localAddress) throws IOException {
        socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 5000);
        socket.setSoTimeout(20_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
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

    /** Sends one command line and returns the reply. */
    String send(String line) throws IOException {
        write(line + "\r\n");
        return reply();
    }

    /** Whether the server has closed the connection (the next read sees end of stream). */
    boolean closedByServer() throws IOException {
        return in.readLine() == null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
