package org.bulwark.delivery.smtp.tlsrpt;

import java.time.Instant;
import java.util.List;

/** Every line TLS reporting logs or prints, and the report message's texts, worded in one place. */
public final class TlsRptTexts {

    private TlsRptTexts() {
    }

    /** RFC 8460 §5.3's Subject. */
    static String subject(String policyDomain, String submitter, String reportId) {
        return "Report Domain: " + policyDomain + " Submitter: " + submitter + " Report-ID: <" + reportId + ">";
    }

    static String messageText(String policyDomain, String submitter, long begin, long end) {
        return "This is an SMTP TLS report (RFC 8460) from " + submitter + " for " + policyDomain + ",\n"
                + "covering " + Instant.ofEpochSecond(begin) + " to " + Instant.ofEpochSecond(end) + ".";
    }

    /** Postfix's log line for a reported session (tlsrpt_wrapper.c). */
    public static String success(String domain, String mxHost, String address) {
        return "TLSRPT: status=success, domain=" + domain + ", receiving_mx=" + mxHost + "[" + address + "]";
    }

    /** Postfix's log line for a reported failure; Postfix spells the result-type with underscores. */
    public static String failure(String domain, String mxHost, String address, String result, String reason) {
        // A policy that could not be had (MTA-STS) concerns no MX.
        return "TLSRPT: status=failure, domain=" + domain
                + (mxHost.isEmpty() ? "" : ", receiving_mx=" + mxHost + "[" + address + "]")
                + ", failure_type=" + result.replace('-', '_') + (reason.isEmpty() ? "" : ", failure_reason=" + reason);
    }

    public static String historyFull(String file, long max) {
        return "TLSRPT: " + file + " has reached " + (max >> 20) + " MiB; sessions go unreported until the next"
                + " report run (bulwark tlsrpt report --now)";
    }

    public static String cannotAppend(String file, String problem) {
        return "TLSRPT: " + file + ": cannot append: " + problem + "; the session is not in the next report";
    }

    static String queued(String domain, String reportId, long sessions, List<String> to, int bytes) {
        return "tlsrpt report " + reportId + " for " + domain + ": " + sessions + " sessions, " + bytes
                + " bytes gzipped, queued to " + String.join(", ", to);
    }

    static String posted(String domain, String reportId, long sessions, String uri, int status) {
        return "tlsrpt report " + reportId + " for " + domain + ": " + sessions + " sessions, posted to " + uri
                + " (HTTP " + status + ")";
    }

    static String postFailed(String domain, String uri, String problem) {
        return "tlsrpt report for " + domain + ": cannot post to " + uri + ": " + problem;
    }

    static String dryRun(String domain, String reportId, long sessions, List<String> to, String fileName) {
        return "tlsrpt report " + reportId + " for " + domain + ": " + sessions + " sessions, would go to "
                + (to.isEmpty() ? "nobody" : String.join(", ", to)) + " as " + fileName;
    }

    static String noPolicy(String domain, String why, long sessions) {
        return "tlsrpt report for " + domain + ": " + why + " at _smtp._tls." + domain + "; " + sessions
                + " sessions not reported";
    }

    static String noDestination(String domain, String record) {
        return "tlsrpt report for " + domain + ": no mailto: or https: destination in \"" + record + "\"; not sent";
    }

    static String unsupportedUri(String domain, String uri) {
        return "tlsrpt report for " + domain + ": " + uri + " is neither mailto: nor https:; not sent there";
    }

    static String lookupFailed(String domain, String why) {
        return "tlsrpt report for " + domain + ": cannot look up _smtp._tls." + domain + " (" + why
                + "); the sessions are kept for the next run";
    }

    static String queueFailed(String domain, String problem) {
        return "tlsrpt report for " + domain + ": cannot queue the report: " + problem
                + "; the sessions are kept for the next run";
    }

    static String nothingDelivered(String domain) {
        return "tlsrpt report for " + domain + ": no destination took the report; the sessions are kept for the next run";
    }

    static String tornLines(int count, String file) {
        return "tlsrpt history " + file + ": skipped " + count + " incomplete line" + (count == 1 ? "" : "s")
                + " (cut short by a crash or damaged)";
    }

    static String notDue(Instant next) {
        return "tlsrpt report: not due before " + next + " (smtp_tlsrpt_interval); --now reports at once";
    }

    static String nothingToReport() {
        return "tlsrpt report: no sessions to report";
    }

    static String busy() {
        return "tlsrpt report: another report run is still under way after 30 seconds; try again later";
    }
}
