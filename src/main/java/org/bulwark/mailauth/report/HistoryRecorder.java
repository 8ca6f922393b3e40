package org.bulwark.mailauth.report;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.bulwark.config.Config;
import org.bulwark.mail.MailAddress;
import org.bulwark.mailauth.DmarcResult;
import org.bulwark.mailauth.MailAuthentication;
import org.bulwark.mailauth.SpfResult;

/**
 * Writes what an aggregate report needs about each inbound message checked under a published
 * DMARC record (dmarc_report_enable), as OpenDMARC's HistoryFile does. Mail from trusted clients
 * is signed, not checked, so it never gets here; our own reports are left out so that no report
 * is ever made about a report.
 */
public final class HistoryRecorder {

    private final DmarcHistory history;
    private final String reportEmail;

    private HistoryRecorder(DmarcHistory history, String reportEmail) {
        this.history = history;
        this.reportEmail = reportEmail;
    }

    /** @return null when dmarc_report_enable is off */
    public static HistoryRecorder create(Config config) {
        if (!config.bool("dmarc_report_enable")) {
            return null;
        }
        return new HistoryRecorder(DmarcHistory.in(Path.of(config.get("data_directory").strip())),
                config.get("dmarc_report_email").strip());
    }

    /**
     * Appends the message's line, if DMARC evaluated it under a record.
     *
     * @param applied what was done with the message: none, quarantine or reject
     * @return a warning for the log when the history cannot be written, else null; the message
     *         goes on either way, since a report is worth less than the mail it reports on
     */
    public String record(MailAuthentication.Verdict verdict, String clientAddress, MailAddress sender, String applied,
                         Instant arrival) {
        DmarcResult dmarc = verdict.dmarc();
        if (dmarc == null || dmarc.evaluation() == null) {
            return null;
        }
        if (!sender.isNullSender() && sender.internal().equalsIgnoreCase(reportEmail)) {
            return null;
        }
        DmarcResult.Evaluation e = dmarc.evaluation();
        HistoryLine.Policy policy = new HistoryLine.Policy(e.policyDomain(), e.record().policy().keyword(),
                e.record().subdomainPolicy().keyword(), e.record().percent(), e.record().adkim(), e.record().aspf(),
                e.record().rua());
        String reason = e.sampledOut() ? "sampled_out" : applied.equals(dmarc.disposition()) ? "" : "local_policy";
        List<HistoryLine.Signature> dkim = verdict.dkim().stream()
                .map(d -> new HistoryLine.Signature(d.domain().toLowerCase(Locale.ROOT), d.selector(), d.result().keyword()))
                .toList();
        SpfResult spf = verdict.spf();
        HistoryLine line = new HistoryLine(arrival.getEpochSecond(), clientAddress == null ? "" : clientAddress,
                dmarc.fromDomain(), policy, applied, e.dkimAligned() ? "pass" : "fail", e.spfAligned() ? "pass" : "fail",
                reason, dkim, spf == null ? "" : spf.domain().toLowerCase(Locale.ROOT),
                spf == null ? "" : spf.identity().equals("helo") ? "helo" : "mfrom",
                spf == null ? "" : spf.result().keyword(),
                sender.isNullSender() || sender.domain() == null ? "" : sender.domain().toLowerCase(Locale.ROOT));
        try {
            history.append(line);
            return null;
        } catch (IOException | RuntimeException ex) {
            return ReportTexts.cannotAppend(history.file().toString(), String.valueOf(ex.getMessage()));
        }
    }

}
