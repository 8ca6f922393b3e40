package org.bulwark.system;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A server on loopback that accepts one connection and never answers: a delivery to it hangs
 * with its message in active/, for as long as the test needs.
 */
final class SilentServer implements AutoCloseable {

    private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final CountDownLatch connected = new CountDownLatch(1);

    SilentServer() throws IOException {
        Thread.ofVirtual().name("silent-server").start(() -> {
            try (Socket held = listener.accept()) {
                connected.countDown();
                held.getInputStream().read();
            } catch (IOException e) {
                // closed by the test, or the client went away
            }
        });
    }

    /** The nexthop that routes mail here, e.g. for {@code virtual_transport = smtp:[127.0.0.1]:PORT}. */
    String nexthop() {
        return "[127.0.0.1]:" + listener.getLocalPort();
    }

    /** Whether a client connected within {@code limit}. */
    boolean awaitConnection(Duration limit) throws InterruptedException {
        return connected.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
