package org.bulwark.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigLoader;
import org.bulwark.delivery.smtp.tlsrpt.TlsReporter;
import org.bulwark.pickup.Maildrop;
import org.bulwark.queue.MailQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bulwark tlsrpt}: SMTP TLS reports (RFC 8460), what Postfix leaves to tlsrpt-reporter. */
@Command(name = "tlsrpt", description = "SMTP TLS reports (RFC 8460).", mixinStandardHelpOptions = true,
        subcommands = TlsRptCommand.Report.class)
final class TlsRptCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * {@code bulwark tlsrpt report [--now] [--dry-run]}: what the server's timer does, at once: the
     * mailed reports go into maildrop/ (pickup queues them; while the server is down, at its next
     * start), the https: ones are posted, and the reported sessions leave the history.
     */
    @Command(name = "report", description = "Send the SMTP TLS reports that are due.", mixinStandardHelpOptions = true)
    static final class Report implements Callable<Integer> {

        @Mixin
        ConfigDirectory configDirectory;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--now", description = "report now, even before smtp_tlsrpt_interval has passed")
        boolean now;

        @Option(names = "--dry-run", description = "show the reports and where they would go; send nothing, keep the history")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Config config = ConfigLoader.load(configDirectory.resolve()).main();
            if (!config.bool("smtp_tlsrpt_enable")) {
                err.println(DaemonTexts.warning(DaemonTexts.tlsrptDisabled()));
            }
            Path maildrop = MailQueue.open(Path.of(config.get("queue_directory"))).maildrop();
            TlsReporter.Outcome outcome = TlsReporter.create(config).run(now, dryRun,
                    (sender, recipients, message) -> Maildrop.submit(maildrop, sender, recipients, message));
            for (TlsReporter.Note note : outcome.notes()) {
                (note.warning() ? err : out).println(note.warning() ? DaemonTexts.warning(note.text()) : note.text());
            }
            if (dryRun) {
                for (TlsReporter.Report report : outcome.reports()) {
                    out.println();
                    out.println(report.fileName() + ":");
                    out.print(report.json());
                }
            }
            out.flush();
            err.flush();
            return outcome.notes().stream().anyMatch(TlsReporter.Note::warning) ? 1 : 0;
        }
    }
}
