package org.bulwark.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigLoader;
import org.bulwark.master.PidFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code bulwark status}: exit 0 and say so when the daemon runs, 1 when it does not; with the
 * uptime, and with {@code metrics_listen} on, the daemon's counters since it started.
 */
@Command(name = "status", description = "Say whether the mail system is running, since when, and (with "
        + "metrics_listen) its connections, messages, rejects, deliveries and queue sizes.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    ConfigDirectory configDirectory;

    @Override
    public Integer call() {
        Config config = ConfigLoader.load(configDirectory.resolve()).main();
        Optional<ProcessHandle> running = PidFile.of(config).running();
        if (running.isEmpty()) {
            System.out.println(Messages.notRunning());
            return 1;
        }
        System.out.println(Messages.running(running.get().pid()));
        running.get().info().startInstant().ifPresent(start ->
                System.out.println(Messages.uptime(Duration.between(start, Instant.now()))));
        String listen = config.get("metrics_listen");
        if (!listen.isBlank()) {
            try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
                String body = http.send(HttpRequest.newBuilder(URI.create("http://" + listen + "/metrics"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
                body.lines().filter(line -> !line.startsWith("#") && !line.contains("_bucket{"))
                        .forEach(line -> System.out.println("  " + line));
            } catch (IOException e) {
                System.out.println(Messages.noMetrics(listen, e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return 0;
    }
}
