package org.bulwark.delivery.smtp;

import java.io.IOException;
import java.net.IDN;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bulwark.config.Config;
import org.bulwark.delivery.smtp.tlsrpt.SessionHistory;
import org.bulwark.delivery.smtp.tlsrpt.SessionLine;
import org.bulwark.delivery.smtp.tlsrpt.TlsRptTexts;
import org.bulwark.log.MailLog;

/**
 * {@code smtp_tlsrpt_enable = yes}: each reported session is logged as Postfix logs it
 * ({@code TLSRPT: status=success, domain=..., receiving_mx=host[address]}) and appended to the
 * TLS-RPT history, from which {@code bulwark tlsrpt report} and the server's timer make the reports.
 */
final class TlsRptRecorder implements TlsSessionReports {

    private final SessionHistory history;
    private final MailLog.Logger log;
    private final Clock clock;
    /** Whether the history was found full: warned once, until a line fits again. */
    private final AtomicBoolean full = new AtomicBoolean();

    private TlsRptRecorder(SessionHistory history, MailLog.Logger log, Clock clock) {
        this.history = history;
        this.log = log;
        this.clock = clock;
    }

    /** @return {@link TlsSessionReports#NONE} unless smtp_tlsrpt_enable = yes */
    static TlsSessionReports create(Config config, MailLog.Logger log) {
        if (!config.bool("smtp_tlsrpt_enable")) {
            return NONE;
        }
        return new TlsRptRecorder(SessionHistory.in(Path.of(config.get("data_directory").strip())), log,
                Clock.systemUTC());
    }

    @Override
    public void success(String policyDomain, TlsReportPolicy policy, String mxHost) {
        success(policyDomain, policy, mxHost, "", "");
    }

    @Override
    public void failure(String policyDomain, TlsReportPolicy policy, String resultType, String mxHost,
                        String receivingIp, String reason) {
        failure(policyDomain, policy, resultType, mxHost, receivingIp, reason, "");
    }

    @Override
    public void success(String policyDomain, TlsReportPolicy policy, String mxHost, String receivingIp,
                        String sendingIp) {
        String domain = aLabel(policyDomain);
        log.info(TlsRptTexts.success(domain, mxHost, receivingIp));
        append(new SessionLine(clock.instant().getEpochSecond(), domain, SessionLine.SUCCESS, policy.type(),
                policy.domain(), policy.strings(), policy.mxHosts(), mxHost, receivingIp, sendingIp, ""));
    }

    @Override
    public void failure(String policyDomain, TlsReportPolicy policy, String resultType, String mxHost,
                        String receivingIp, String reason, String sendingIp) {
        String domain = aLabel(policyDomain);
        log.info(TlsRptTexts.failure(domain, mxHost, receivingIp, resultType, reason));
        append(new SessionLine(clock.instant().getEpochSecond(), domain, resultType, policy.type(), policy.domain(),
                policy.strings(), policy.mxHosts(), mxHost, receivingIp, sendingIp, reason));
    }

    private void append(SessionLine line) {
        try {
            if (history.append(line)) {
                full.set(false);
            } else if (full.compareAndSet(false, true)) {
                log.warning(TlsRptTexts.historyFull(history.file().toString(), SessionHistory.MAX_BYTES));
            }
        } catch (IOException | RuntimeException e) {
            log.warning(TlsRptTexts.cannotAppend(history.file().toString(), String.valueOf(e.getMessage())));
        }
    }

    /** RFC 8460 §4.3 and the _smtp._tls lookup want the A-label form of a domain. */
    private static String aLabel(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        try {
            return IDN.toASCII(d, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return d;
        }
    }
}
