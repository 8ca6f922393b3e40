package org.bulwark.mailauth.report;

import java.time.Instant;
import java.util.List;

/** Every line DMARC reporting logs or prints, and the report message's texts, worded in one place. */
final class ReportTexts {

    private ReportTexts() {
    }

    /** RFC 7489 §7.2.1.1's Subject. */
    static String subject(String policyDomain, String submitter, String reportId) {
        return "Report Domain: " + policyDomain + " Submitter: " + submitter + " Report-ID: <" + reportId + ">";
    }

    static String messageText(String policyDomain, String submitter, long begin, long end) {
        return "This is a DMARC aggregate report (RFC 7489) from " + submitter + " for " + policyDomain + ",\n"
                + "covering " + Instant.ofEpochSecond(begin) + " to " + Instant.ofEpochSecond(end) + ".";
    }

    static String queued(String policyDomain, String reportId, int messages, List<String> to, int bytes) {
        return "dmarc report " + reportId + " for " + policyDomain + ": " + messages + " messages, " + bytes
                + " bytes gzipped, queued to " + String.join(", ", to);
    }

    static String dryRun(String policyDomain, String reportId, int messages, List<String> to, String fileName) {
        return "dmarc report " + reportId + " for " + policyDomain + ": " + messages + " messages, would go to "
                + (to.isEmpty() ? "nobody" : String.join(", ", to)) + " as " + fileName;
    }

    static String noRua(String policyDomain, int messages) {
        return "dmarc report for " + policyDomain + ": no rua= destination; " + messages + " messages not reported";
    }

    static String notMailto(String policyDomain, String uri) {
        return "dmarc report for " + policyDomain + ": " + uri + " is not a mailto: URI; not sent there";
    }

    static String notAuthorized(String policyDomain, String address, String name) {
        return "dmarc report for " + policyDomain + ": " + address + " is outside the domain and " + name
                + " has no v=DMARC1 record (RFC 7489 section 7.1); not sent there";
    }

    static String authorizationUnknown(String policyDomain, String address, String name) {
        return "dmarc report for " + policyDomain + ": cannot look up " + name + " for " + address
                + " (temporary DNS failure); the report is kept for the next run";
    }

    static String tooLarge(String policyDomain, String address, int bytes, long max) {
        return "dmarc report for " + policyDomain + ": " + bytes + " bytes gzipped is more than the " + max
                + " bytes " + address + " accepts; not sent there";
    }

    static String queueFailed(String policyDomain, String problem) {
        return "dmarc report for " + policyDomain + ": cannot queue the report: " + problem
                + "; the report is kept for the next run";
    }

    static String tornLines(int count, String file) {
        return "dmarc history " + file + ": skipped " + count + " incomplete line" + (count == 1 ? "" : "s")
                + " (cut short by a crash or damaged)";
    }

    static String notDue(Instant next) {
        return "dmarc report: not due before " + next + " (dmarc_report_interval); --now reports at once";
    }

    static String nothingToReport() {
        return "dmarc report: no messages to report";
    }

    static String busy() {
        return "dmarc report: another report run is still under way after 30 seconds; try again later";
    }

    static String cannotAppend(String file, String problem) {
        return "dmarc history " + file + ": cannot append: " + problem + "; the message is not in the next report";
    }

    static String noPublicSuffixList(String problem) {
        return "dmarc report: no Public Suffix List (" + problem
                + "); a destination outside the exact policy domain needs its authorization record";
    }
}
