package org.bulwark.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * uptime, and from the daemon's status socket its connections, messages in and out and rejects by
 * reason in the last minute and hour, and its queue sizes.
 */
@Command(name = "status", description = "Say whether the mail system is running, since when, and its connections, "
        + "messages in and out and rejects by reason in the last minute and hour, and its queue sizes.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    ConfigDirectory configDirectory;

    @Override
    public Integer call() {
        Config config = ConfigLoader.load(configDirectory.resolve()).main();
        PidFile pidFile = PidFile.of(config);
        Optional<ProcessHandle> running = pidFile.running();
        if (running.isEmpty()) {
            System.out.println(DaemonTexts.notRunning());
            return 1;
        }
        System.out.println(DaemonTexts.running(running.get().pid()));
        running.get().info().startInstant().ifPresent(start ->
                System.out.println(DaemonTexts.uptime(Duration.between(start, Instant.now()))));
        try {
            System.out.print(StatusReport.parse(read(pidFile.statusSocket())).format());
        } catch (IOException e) {
            System.out.println(DaemonTexts.noStatus(pidFile.statusSocket(), String.valueOf(e.getMessage())));
        }
        return 0;
    }

    private static String read(Path socket) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            try (InputStream in = Channels.newInputStream(channel)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }
}
