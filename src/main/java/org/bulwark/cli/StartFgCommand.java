package org.bulwark.cli;

import java.util.concurrent.Callable;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigLoader;
import org.bulwark.master.Master;
import org.bulwark.master.PidFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bulwark start-fg}: runs the mail system in the foreground until SIGTERM or SIGINT, like
 * {@code postfix start-fg}. A signal stops it cleanly: no new mail, work under way finished; then
 * it exits 0.
 */
@Command(name = "start-fg", description = "Run the mail system in the foreground.")
final class StartFgCommand implements Callable<Integer> {

    @Mixin
    ConfigDirectory configDirectory;

    @Option(names = "--allow-root", description = "Run as root even with listeners that other machines can reach "
            + "(refused otherwise: run it as an unprivileged user, see packaging/bulwark.service).")
    boolean allowRoot;

    /**
     * The server's own launch, {@code [-c DIR] start-fg [-c DIR] [--allow-root]}, read without
     * picocli: its classes are of a class file version the JVM's class data archive leaves out,
     * and building the model of every command took more of the launch than anything else before
     * the first 220. Null for any other command line (help, a typo, another form), which picocli reads.
     */
    static Integer launchWithoutParser(String[] args) {
        java.nio.file.Path directory = null;
        boolean named = false;
        boolean allowRoot = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-c" -> {
                    if (i + 1 >= args.length || directory != null) {
                        return null;
                    }
                    directory = java.nio.file.Path.of(args[++i]);
                }
                case "start-fg" -> {
                    if (named) {
                        return null;
                    }
                    named = true;
                }
                case "--allow-root" -> {
                    if (!named || allowRoot) {
                        return null;
                    }
                    allowRoot = true;
                }
                default -> {
                    return null;
                }
            }
        }
        if (!named) {
            return null;
        }
        StartFgCommand command = new StartFgCommand();
        command.configDirectory = new ConfigDirectory();
        command.configDirectory.directory = directory;
        command.allowRoot = allowRoot;
        try {
            return command.call();
        } catch (Exception e) {
            return OperatorErrors.report(e);
        }
    }

    @Override
    public Integer call() throws Exception {
        Config config;
        try {
            config = ConfigLoader.load(configDirectory.resolve()).main();
        } catch (org.bulwark.config.ConfigException e) {
            Master.logFatal(configDirectory.resolve(), e.getMessage());
            throw e;
        }
        PidFile pidFile = PidFile.of(config);
        if (pidFile.running().filter(p -> p.pid() != ProcessHandle.current().pid()).isPresent()) {
            System.err.println(DaemonTexts.alreadyRunning(pidFile.running().get().pid()));
            return 1;
        }
        Master master = Master.start(configDirectory.resolve(), allowRoot);
        master.rootWarning().ifPresent(warning -> System.err.println(DaemonTexts.warning(warning)));
        master.reloadOnHangup();
        pidFile.write(ProcessHandle.current().pid());
        System.err.println(DaemonTexts.started(ProcessHandle.current().pid(), master.smtpPorts(), config.get("maillog_file")));
        // Any other way out of the JVM still stops the system cleanly.
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            master.close();
            pidFile.remove();
        }));
        master.awaitStopSignal();
        pidFile.remove();
        return 0;
    }
}
