package org.bulwark.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigLoader;
import org.bulwark.pickup.Maildrop;
import org.bulwark.queue.MailQueue;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bulwark dmarc report} and {@code bulwark tlsrpt report} {@code [--now] [--dry-run]}: what
 * the server's timer does, at once: the mailed reports go into maildrop/ (pickup queues them;
 * while the server is down, at its next start), others are posted, and what was reported leaves
 * the history. A subclass runs its kind of reporter and says what came of it.
 */
abstract class ReportCommand implements Callable<Integer> {

    /** One line for the operator; a warning makes the command fail. */
    record Note(boolean warning, String text) {
    }

    /** A report as a dry run shows it: its file name and its text. */
    record Preview(String fileName, String text) {
    }

    record Result(List<Note> notes, List<Preview> reports) {
    }

    /** Where the reporter hands a mailed report. */
    interface Submission {
        void submit(String sender, List<String> recipients, byte[] message) throws java.io.IOException;
    }

    @Mixin
    ConfigDirectory configDirectory;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--now", description = "report now, even before the report interval (dmarc_report_interval, smtp_tlsrpt_interval) has passed")
    boolean now;

    @Option(names = "--dry-run", description = "show the reports and where they would go; send nothing, keep the history")
    boolean dryRun;

    /** The parameter that turns the recording on, and the warning when it is off. */
    abstract String enableParameter();

    abstract String disabledWarning();

    abstract Result run(Config config, boolean now, boolean dryRun, Submission submission) throws Exception;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Config config = ConfigLoader.load(configDirectory.resolve()).main();
        if (!config.bool(enableParameter())) {
            err.println(DaemonTexts.warning(disabledWarning()));
        }
        Path maildrop = MailQueue.open(Path.of(config.get("queue_directory"))).maildrop();
        Result result = run(config, now, dryRun,
                (sender, recipients, message) -> Maildrop.submit(maildrop, sender, recipients, message));
        for (Note note : result.notes()) {
            (note.warning() ? err : out).println(note.warning() ? DaemonTexts.warning(note.text()) : note.text());
        }
        if (dryRun) {
            for (Preview report : result.reports()) {
                out.println();
                out.println(report.fileName() + ":");
                out.print(report.text());
            }
        }
        out.flush();
        err.flush();
        return result.notes().stream().anyMatch(Note::warning) ? 1 : 0;
    }
}
