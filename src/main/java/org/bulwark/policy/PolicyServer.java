package org.bulwark.policy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bulwark.log.MailLog;
import org.bulwark.util.RedisConnection;

/**
 * Serves a {@link PolicyService} over the policy delegation protocol, so that any Postfix can use
 * our built-in policies ({@code check_policy_service inet:127.0.0.1:10023}). One virtual thread per
 * connection; a connection carries any number of requests, as Postfix reuses it.
 */
public final class PolicyServer implements AutoCloseable {

    private final InetSocketAddress listen;
    private final PolicyService service;
    private final MailLog.Logger log;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private volatile boolean stopping;

    public PolicyServer(InetSocketAddress listen, PolicyService service, MailLog.Logger log) {
        this.listen = listen;
        this.service = service;
        this.log = log;
    }

    /** Binds (port 0 picks a free one) and starts accepting. */
    public void start() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(listen, 100);
        server = socket;
        log.info(PolicyTexts.serverListening(listen.getAddress().getHostAddress() + ":" + socket.getLocalPort()));
        Thread.ofVirtual().name("policyd-accept").start(this::acceptLoop);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!stopping) {
            try {
                Socket client = server.accept();
                open.add(client);
                Thread.ofVirtual().name("policyd-" + client.getPort()).start(() -> serve(client));
            } catch (IOException e) {
                if (!stopping) {
                    log.warning(PolicyTexts.requestFailed("accept", e.getMessage()));
                }
            }
        }
    }

    private void serve(Socket client) {
        String peer = client.getInetAddress().getHostAddress() + ":" + client.getPort();
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            while (true) {
                Map<String, String> request = PolicyProtocol.read(in);
                if (request == null) {
                    return;
                }
                String action = decide(request, peer);
                out.write(("action=" + action + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            if (!stopping) {
                log.warning(PolicyTexts.requestFailed(peer, e.getMessage()));
            }
        } finally {
            open.remove(client);
        }
    }

    /** A policy that cannot decide answers a temporary refusal: never a crash, never a pass. */
    private String decide(Map<String, String> request, String peer) {
        try {
            return service.decide(request);
        } catch (RuntimeException e) {
            if (!(e instanceof RedisConnection.Unavailable)) {
                log.warning(PolicyTexts.requestFailed(peer, String.valueOf(e.getMessage())));
            }
            return PolicyTexts.STORE_FAILED;
        }
    }

    @Override
    public void close() {
        stopping = true;
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            // Closing is all we wanted.
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // Closing is all we wanted.
            }
        }
    }
}
