package org.bulwark.master;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import org.bulwark.config.ConfigException;
import org.bulwark.log.LogMetrics;
import org.bulwark.queue.MailQueue;
import org.bulwark.queue.QueueName;

/**
 * {@code metrics_listen}: GET /metrics in Prometheus' text format, on a loopback address only
 * (the counters say how much mail is rejected and why: not for the world; a scraper elsewhere goes through
 * a tunnel or a proxy with authentication).
 */
final class MetricsEndpoint implements AutoCloseable {

    private final HttpServer server;

    private MetricsEndpoint(HttpServer server) {
        this.server = server;
    }

    /** Serves the numbers {@code metrics} counts from the maillog; {@code listen} is host:port. */
    static MetricsEndpoint start(String listen, LogMetrics metrics, MailQueue queue) throws IOException {
        int colon = listen.lastIndexOf(':');
        if (colon < 0 || !listen.substring(colon + 1).matches("\\d{1,5}")) {
            throw new ConfigException(MasterTexts.metricsListenMalformed(listen));
        }
        InetAddress host = InetAddress.getByName(listen.substring(0, colon).replaceAll("^\\[|\\]$", ""));
        if (!host.isLoopbackAddress()) {
            throw new ConfigException(MasterTexts.metricsListenNotLoopback(listen));
        }
        HttpServer server = HttpServer.create(
                new InetSocketAddress(host, Integer.parseInt(listen.substring(colon + 1))), 16);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                byte[] body = metrics.exposition(() -> queueSizes(queue)).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        return new MetricsEndpoint(server);
    }

    static Map<String, Integer> queueSizes(MailQueue queue) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        Map<QueueName, Integer> byQueue = new EnumMap<>(QueueName.class);
        for (QueueName name : QueueName.values()) {
            try {
                byQueue.put(name, queue.list(name).size());
            } catch (IOException e) {
                // A queue directory that cannot be listed is left out rather than reported as empty.
            }
        }
        byQueue.forEach((name, size) -> sizes.put(name.directoryName(), size));
        return sizes;
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
