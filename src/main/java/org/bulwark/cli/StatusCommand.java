package org.bulwark.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import org.bulwark.config.ConfigLoader;
import org.bulwark.master.PidFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code bulwark status}: exit 0 and say so when the daemon runs, 1 when it does not. */
@Command(name = "status", description = "Say whether the mail system is running.")
final class StatusCommand implements Callable<Integer> {

    @Mixin
    ConfigDirectory configDirectory;

    @Override
    public Integer call() {
        Optional<ProcessHandle> running = PidFile.of(ConfigLoader.load(configDirectory.resolve()).main()).running();
        if (running.isPresent()) {
            System.out.println(Messages.running(running.get().pid()));
            return 0;
        }
        System.out.println(Messages.notRunning());
        return 1;
    }
}
