package org.bulwark.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What master.cf's {@code spawn} does for a policy server such as postfix-policyd-spf-perl: a
 * UNIX socket whose every connection runs the program with the connection as its stdin and
 * stdout.
 */
public final class SpawnBridge implements AutoCloseable {

    private final ServerSocketChannel server;
    private final Path socket;
    private volatile boolean closed;

    private SpawnBridge(ServerSocketChannel server, Path socket) {
        this.server = server;
        this.socket = socket;
    }

    /** @param environment extra environment variables of the program */
    public static SpawnBridge start(Path socket, List<String> command, Map<String, String> environment)
            throws IOException {
        Files.createDirectories(socket.getParent());
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        SpawnBridge bridge = new SpawnBridge(server, socket);
        Thread.ofVirtual().name("spawn-" + socket.getFileName()).start(() -> bridge.accept(command, environment));
        return bridge;
    }

    private void accept(List<String> command, Map<String, String> environment) {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
                pb.environment().putAll(environment);
                Process process = pb.start();
                Thread.ofVirtual().start(() -> pump(Channels.newInputStream(client), process.getOutputStream(), null));
                Thread.ofVirtual().start(() -> pump(process.getInputStream(), Channels.newOutputStream(client), () -> {
                    process.destroy();
                    try {
                        client.close();
                    } catch (IOException e) {
                        // closing is all we wanted
                    }
                }));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pump(InputStream in, OutputStream out, Runnable after) {
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away
        } finally {
            try {
                out.close();
            } catch (IOException e) {
                // closing is all we wanted
            }
            if (after != null) {
                after.run();
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        Files.deleteIfExists(socket);
    }
}
