package org.bulwark.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigLoader;
import org.bulwark.master.PidFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bulwark start}: runs {@code start-fg} as a background process with the same Java and
 * class path, and returns once it has written its pid file (or says why it did not start).
 */
@Command(name = "start", description = "Start the mail system in the background.")
final class StartCommand implements Callable<Integer> {

    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    @Mixin
    ConfigDirectory configDirectory;

    @Option(names = "--allow-root", description = "Run as root even with listeners that other machines can reach.")
    boolean allowRoot;

    @Override
    public Integer call() throws Exception {
        Path directory = configDirectory.resolve();
        Config config = ConfigLoader.load(directory).main();
        PidFile pidFile = PidFile.of(config);
        Optional<ProcessHandle> running = pidFile.running();
        if (running.isPresent()) {
            System.err.println(DaemonTexts.alreadyRunning(running.get().pid()));
            return 1;
        }
        Path output = Path.of(config.get("data_directory"), "master.out");
        Files.createDirectories(output.getParent());

        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(serverJvmOptions());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Bulwark.class.getName());
        command.add("start-fg");
        command.add("-c");
        command.add(directory.toString());
        if (allowRoot) {
            command.add("--allow-root");
        }
        Process child = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();

        Instant deadline = Instant.now().plus(STARTUP_WAIT);
        while (Instant.now().isBefore(deadline)) {
            if (pidFile.running().filter(p -> p.pid() == child.pid()).isPresent()) {
                System.err.println(DaemonTexts.running(child.pid()));
                return 0;
            }
            if (!child.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        child.destroy();
        System.err.println(DaemonTexts.didNotStart(output.toString()));
        return 1;
    }

    /**
     * The heap, collector, compiler and socket poller options this JVM was started with (the
     * launcher's), for the server it starts: without them the daemon would run with the JVM's
     * defaults (another collector, a heap of a quarter of the machine). Not the class archive
     * options: those name this command's own archive.
     */
    private static List<String> serverJvmOptions() {
        List<String> options = new ArrayList<>();
        for (String option : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (option.startsWith("-Xm") || option.startsWith("-Xss") || option.matches("-XX:[+-]?Use\\w*GC")
                    || option.startsWith("-XX:TieredStopAtLevel=") || option.startsWith("-XX:MaxRAM")
                    || option.startsWith("-Djdk.pollerMode=")) {
                options.add(option);
            }
        }
        return options;
    }
}
