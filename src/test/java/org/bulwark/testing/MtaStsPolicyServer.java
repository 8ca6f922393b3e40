package org.bulwark.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * An HTTPS policy host for MTA-STS tests (the JDK's HttpsServer on 127.0.0.1): it answers
 * {@code /.well-known/mta-sts.txt} with what the test sets (status, content type, body, sent
 * with a length or chunked) and records the Host header of each request.
 */
public final class MtaStsPolicyServer implements AutoCloseable {

    private final HttpsServer server;
    private final List<String> hosts = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String contentType = "text/plain";
    private volatile String body = "";
    private volatile boolean chunked;
    private volatile String location;
    private volatile boolean closed;

    private MtaStsPolicyServer(HttpsServer server) {
        this.server = server;
    }

    /** Serves with the certificate of {@code context} (e.g. {@code ca.issue("mta-sts.example.test")}). */
    public static MtaStsPolicyServer start(SSLContext context) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        MtaStsPolicyServer policyServer = new MtaStsPolicyServer(server);
        server.createContext("/", policyServer::handle);
        server.start();
        return policyServer;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Serves this policy with status 200. */
    public MtaStsPolicyServer policy(String text) {
        this.status = 200;
        this.body = text;
        return this;
    }

    /** Answers with this status (and no policy). */
    public MtaStsPolicyServer status(int code) {
        this.status = code;
        return this;
    }

    public MtaStsPolicyServer contentType(String type) {
        this.contentType = type;
        return this;
    }

    /** Sends the body chunked instead of with a Content-Length. */
    public MtaStsPolicyServer chunked() {
        this.chunked = true;
        return this;
    }

    /** Answers 302 to this location. */
    public MtaStsPolicyServer redirect(String to) {
        this.status = 302;
        this.location = to;
        return this;
    }

    /**
     * The host name of each request's Host header, in order; the port a client adds there off
     * port 443 (RFC 9110 §7.2), as it must on this test port, is left out.
     */
    public List<String> requests() {
        return List.copyOf(hosts);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals("/.well-known/mta-sts.txt")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            String host = exchange.getRequestHeaders().getFirst("Host");
            hosts.add(host == null ? "" : host.replaceFirst(":[0-9]+$", ""));
            if (location != null) {
                exchange.getResponseHeaders().add("Location", location);
            }
            if (status != 200) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(200, chunked ? 0 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            server.stop(0);
        }
    }
}
