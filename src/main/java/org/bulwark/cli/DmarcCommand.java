package org.bulwark.cli;

import org.bulwark.config.Config;
import org.bulwark.mailauth.report.DmarcReporter;
import picocli.CommandLine.Command;

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

    /** {@code bulwark dmarc report [--now] [--dry-run]}: the aggregate reports of the history. */
    @Command(name = "report", description = "Send the DMARC aggregate reports that are due.", mixinStandardHelpOptions = true)
    static final class Report extends ReportCommand {

        @Override
        String enableParameter() {
            return "dmarc_report_enable";
        }

        @Override
        String disabledWarning() {
            return DaemonTexts.dmarcReportDisabled();
        }

        @Override
        Result run(Config config, boolean now, boolean dryRun, Submission submission) throws Exception {
            DmarcReporter.Outcome outcome = DmarcReporter.create(config).run(now, dryRun, submission::submit);
            return new Result(
                    outcome.notes().stream().map(n -> new Note(n.warning(), n.text())).toList(),
                    outcome.reports().stream().map(r -> new Preview(r.fileName(), r.xml())).toList());
        }
    }
}
