package org.bulwark.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Loopback ports for servers a test starts later. The kernel may hand the same ephemeral port
 * to two binds in a row once the first socket is closed, so a test that asks for two ports
 * could get one twice; this remembers what it gave out in this JVM and never repeats it.
 */
public final class FreePorts {

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Set<Integer> GIVEN = new HashSet<>();

    private FreePorts() {
    }

    /** A port on 127.0.0.1 that nothing listened on a moment ago and no earlier call returned. */
    public static int next() {
        LOCK.lock();
        try {
            for (int attempt = 0; attempt < 1000; attempt++) {
                int port = probe();
                if (GIVEN.add(port)) {
                    return port;
                }
            }
            throw new IllegalStateException("no unused loopback port after 1000 attempts");
        } finally {
            LOCK.unlock();
        }
    }

    private static int probe() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
