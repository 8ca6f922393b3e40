package org.bulwark.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import org.bulwark.config.ConfigLoader;
import org.bulwark.master.PidFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code bulwark reload}: SIGHUP to the daemon, as {@code postfix reload} signals its master; the
 * daemon reads main.cf, master.cf, tables and certificates again without dropping a connection. The
 * configuration is read here first, so that an error the loader can see is shown before the signal.
 */
@Command(name = "reload",
        description = "Re-read main.cf, master.cf, tables and certificates without dropping connections.")
final class ReloadCommand implements Callable<Integer> {

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
        long pid = running.get().pid();
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            System.err.println(DaemonTexts.cannotSignal(pid));
            return 1;
        }
        System.err.println(DaemonTexts.reloading(pid));
        return 0;
    }
}
