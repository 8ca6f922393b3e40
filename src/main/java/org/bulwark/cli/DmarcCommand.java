package org.bulwark.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigLoader;
import org.bulwark.mailauth.report.DmarcReporter;
import org.bulwark.pickup.Maildrop;
import org.bulwark.queue.MailQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bulwark dmarc}: DMARC aggregate reports, as opendmarc-reports. */
@Command(name = "dmarc", description = "DMARC aggregate reports.", mixinStandardHelpOptions = true,
        subcommands = DmarcCommand.Report.class)
final class DmarcCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * {@code bulwark dmarc report [--now] [--dry-run]}: what the server's timer does, at once: the
     * reports of the history go into maildrop/ (pickup queues them; while the server is down, at
     * its next start) and their lines leave the history.
     */
    @Command(name = "report", description = "Send the DMARC aggregate reports that are due.", mixinStandardHelpOptions = true)
    static final class Report implements Callable<Integer> {

        @Mixin
        ConfigDirectory configDirectory;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--now", description = "report now, even before dmarc_report_interval has passed")
        boolean now;

        @Option(names = "--dry-run", description = "show the reports and where they would go; send nothing, keep the history")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Config config = ConfigLoader.load(configDirectory.resolve()).main();
            if (!config.bool("dmarc_report_enable")) {
                err.println(DaemonTexts.warning(DaemonTexts.dmarcReportDisabled()));
            }
            Path maildrop = MailQueue.open(Path.of(config.get("queue_directory"))).maildrop();
            DmarcReporter.Outcome outcome = DmarcReporter.create(config).run(now, dryRun,
                    (sender, recipients, message) -> Maildrop.submit(maildrop, sender, recipients, message));
            for (DmarcReporter.Note note : outcome.notes()) {
                (note.warning() ? err : out).println(note.warning() ? DaemonTexts.warning(note.text()) : note.text());
            }
            if (dryRun) {
                for (DmarcReporter.Report report : outcome.reports()) {
                    out.println();
                    out.println(report.fileName() + ":");
                    out.print(report.xml());
                }
            }
            out.flush();
            err.flush();
            boolean failed = outcome.notes().stream().anyMatch(DmarcReporter.Note::warning);
            return failed ? 1 : 0;
        }
    }
}
