package org.bulwark.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Loopback ports for servers a test starts later. They come from below the kernel's ephemeral
 * range, so that no client socket of the test run can take one between the test choosing it and
 * the server binding it (a port from bind(0) is an ephemeral port, and the kernel hands those to
 * outgoing connections too), and none is given out twice in one JVM.
 */
public final class FreePorts {

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Set<Integer> GIVEN = new HashSet<>();
    private static final int SPAN = 10_000;

    private FreePorts() {
    }

    /** A port on 127.0.0.1 that nothing listened on a moment ago and no earlier call returned. */
    public static int next() {
        LOCK.lock();
        try {
            int end = ephemeralLow();
            int start = Math.max(1024, end - SPAN);
            int first = ThreadLocalRandom.current().nextInt(start, end);
            for (int i = 0; i < end - start; i++) {
                int port = start + (first - start + i) % (end - start);
                if (!GIVEN.contains(port) && bindable(port)) {
                    GIVEN.add(port);
                    return port;
                }
            }
            throw new IllegalStateException("no free loopback port in " + start + "-" + (end - 1));
        } finally {
            LOCK.unlock();
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of Linux's ephemeral range; 32768 (its default) where that cannot be read. */
    private static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > 1024 + SPAN / 2 ? low : 32768;
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }
}
