package org.bulwark.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.bulwark.config.ConfigLoader;
import org.bulwark.log.LogSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bulwark log}: reading the maillog. */
@Command(name = "log", description = "Read the maillog.", subcommands = LogCommand.Summary.class)
final class LogCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code bulwark log summary [FILE]}: pflogsumm's report; FILE "-" is standard input. */
    @Command(name = "summary",
            description = "A pflogsumm-style report: received, delivered, deferred, bounced, rejected; top senders, "
                    + "recipients and reject reasons. FILE defaults to maillog_file; - reads standard input.")
    static final class Summary implements Callable<Integer> {

        @Mixin
        ConfigDirectory configDirectory;

        @Parameters(arity = "0..1", paramLabel = "FILE", description = "the maillog to read")
        String file;

        @Option(names = "-n", paramLabel = "N", defaultValue = "10", description = "entries in each top list")
        int limit;

        @Override
        public Integer call() throws Exception {
            String name = file != null ? file
                    : ConfigLoader.load(configDirectory.resolve()).main().get("maillog_file");
            LogSummary summary;
            if (name.isEmpty() || name.equals("-")) {
                summary = LogSummary.read(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
            } else {
                try (BufferedReader in = Files.newBufferedReader(Path.of(name), StandardCharsets.UTF_8)) {
                    summary = LogSummary.read(in);
                }
            }
            System.out.print(summary.report(limit));
            return 0;
        }
    }
}
