package org.bulwark.cli;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.bulwark.config.ConfigLoader;
import org.bulwark.master.PidFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bulwark stop}: SIGTERM to the daemon, then wait while it finishes what is under way. */
@Command(name = "stop", description = "Stop the mail system, letting sessions and deliveries finish.")
final class StopCommand implements Callable<Integer> {

    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    @Mixin
    ConfigDirectory configDirectory;

    @Override
    public Integer call() throws Exception {
        PidFile pidFile = PidFile.of(ConfigLoader.load(configDirectory.resolve()).main());
        Optional<ProcessHandle> running = pidFile.running();
        if (running.isEmpty()) {
            System.err.println(DaemonTexts.notRunning());
            return 1;
        }
        ProcessHandle daemon = running.get();
        System.err.println(DaemonTexts.stopping(daemon.pid()));
        daemon.destroy();
        try {
            daemon.onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
            return 0;
        } catch (java.util.concurrent.TimeoutException e) {
            System.err.println(DaemonTexts.didNotStop(daemon.pid()));
            return 1;
        }
    }
}
