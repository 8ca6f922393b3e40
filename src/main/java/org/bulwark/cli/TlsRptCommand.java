package org.bulwark.cli;

import org.bulwark.config.Config;
import org.bulwark.delivery.smtp.tlsrpt.TlsReporter;
import picocli.CommandLine.Command;

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

    /** {@code bulwark tlsrpt report [--now] [--dry-run]}: mailed and posted, the sessions leave the history. */
    @Command(name = "report", description = "Send the SMTP TLS reports that are due.", mixinStandardHelpOptions = true)
    static final class Report extends ReportCommand {

        @Override
        String enableParameter() {
            return "smtp_tlsrpt_enable";
        }

        @Override
        String disabledWarning() {
            return DaemonTexts.tlsrptDisabled();
        }

        @Override
        Result run(Config config, boolean now, boolean dryRun, Submission submission) throws Exception {
            TlsReporter.Outcome outcome = TlsReporter.create(config).run(now, dryRun, submission::submit);
            return new Result(
                    outcome.notes().stream().map(n -> new Note(n.warning(), n.text())).toList(),
                    outcome.reports().stream().map(r -> new Preview(r.fileName(), r.json())).toList());
        }
    }
}
