package org.bulwark.delivery.smtp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;

/** A TCP connection, which STARTTLS may replace by a TLS socket over it. */
final class TcpWire implements Wire {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    TcpWire(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    Socket socket() {
        return socket;
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public void readTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout(SmtpConnection.millis(timeout));
    }

    @Override
    public boolean isOpen() {
        return !socket.isClosed();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }
}
