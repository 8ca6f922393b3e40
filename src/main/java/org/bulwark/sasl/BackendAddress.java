package org.bulwark.sasl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where a backend listens: a unix socket ({@code private/auth}, relative to the queue directory
 * as in Postfix) or {@code inet:host:port}.
 */
record BackendAddress(Path socket, String host, int port) {

    static BackendAddress parse(String path, Path queueDirectory) {
        if (path.startsWith("inet:")) {
            String rest = path.substring("inet:".length());
            int colon = rest.lastIndexOf(':');
            String host = rest.substring(0, colon).replace("[", "").replace("]", "");
            return new BackendAddress(null, host, Integer.parseInt(rest.substring(colon + 1)));
        }
        String unix = path.startsWith("unix:") ? path.substring("unix:".length()) : path;
        return new BackendAddress(queueDirectory.resolve(unix), null, 0);
    }

    Connection connect(Duration timeout) throws IOException {
        if (socket != null) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            // A unix channel has no read timeout: a watchdog closes it, which ends a blocked read.
            Thread watchdog = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(timeout);
                    channel.close();
                } catch (InterruptedException | IOException e) {
                    // Closed in time, or closing anyway.
                }
            });
            return new Connection(Channels.newInputStream(channel), Channels.newOutputStream(channel), () -> {
                watchdog.interrupt();
                channel.close();
            });
        }
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            return new Connection(s.getInputStream(), s.getOutputStream(), s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        return socket != null ? socket.toString() : "inet:" + host + ":" + port;
    }

    /** An open connection to the backend. */
    record Connection(InputStream in, OutputStream out, AutoCloseable resource) implements AutoCloseable {
        @Override
        public void close() {
            try {
                resource.close();
            } catch (Exception e) {
                // Closing is all that was wanted.
            }
        }
    }
}
