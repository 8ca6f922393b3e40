package org.bulwark.cli;

import java.util.List;

/** What the daemon commands say to the operator, worded in one place. */
final class DaemonTexts {

    private DaemonTexts() {
    }

    static String started(long pid, List<Integer> ports, String maillog) {
        String where = maillog.isEmpty() || maillog.equals("-") ? "standard output"
                : java.nio.file.Path.of(maillog).normalize().toString();
        return "bulwark: the mail system is running: PID: " + pid + ", SMTP on port(s) " + ports
                + ", log: " + where;
    }

    static String warning(String text) {
        return "bulwark: warning: " + text;
    }

    /** Mail in active/ for minutes while nothing is delivered: what to look at. */
    static String mailPilingUp(long count, long oldestSeconds) {
        return "warning: " + count + (count == 1 ? " message has" : " messages have") + " been in the active queue for"
                + " more than 5 minutes (oldest " + oldestSeconds / 60 + " min) and nothing was delivered in the last"
                + " minute: check that master.cf has qmgr and a service for every transport, and the maillog";
    }

    static String alreadyRunning(long pid) {
        return "bulwark: fatal: the mail system is already running: PID: " + pid;
    }

    static String running(long pid) {
        return "bulwark: the mail system is running: PID: " + pid;
    }

    static String uptime(java.time.Duration up) {
        return "bulwark: up " + up.toDaysPart() + "d " + up.toHoursPart() + "h " + up.toMinutesPart() + "m "
                + up.toSecondsPart() + "s";
    }

    static String noStatus(java.nio.file.Path socket, String reason) {
        return "bulwark: no counters from the status socket " + socket + ": " + reason;
    }

    static String notRunning() {
        return "bulwark: the mail system is not running";
    }

    static String stopping(long pid) {
        return "bulwark: stopping the mail system: PID: " + pid;
    }

    static String didNotStart(String logHint) {
        return "bulwark: fatal: the mail system did not start; see " + logHint;
    }

    static String didNotStop(long pid) {
        return "bulwark: fatal: the mail system did not stop in time: PID: " + pid;
    }

    static String reloading(long pid) {
        return "bulwark: reloading main.cf, master.cf, tables and certificates: PID: " + pid
                + " (the maillog says whether the new configuration was taken or why not)";
    }

    static String cannotSignal(long pid) {
        return "bulwark: fatal: cannot signal the mail system: PID: " + pid;
    }

    static String certificateWritten(java.nio.file.Path key, java.nio.file.Path cert) {
        return "bulwark: wrote private key " + key + " (mode 0600) and certificate " + cert + "\n"
                + "bulwark: in main.cf: smtpd_tls_cert_file = " + cert + "\n"
                + "bulwark: in main.cf: smtpd_tls_key_file = " + key;
    }

    static String badDays(int days) {
        return "--days must be at least 1, not " + days;
    }

    static String badRsaSize(int bits) {
        return "--rsa takes 2048 to 16384 bits, not " + bits;
    }

    static String unknownScheme(String scheme) {
        return "unknown password scheme " + scheme
                + ": use SHA512-CRYPT, SHA256-CRYPT, BLF-CRYPT, ARGON2ID, SCRAM-SHA-256 or PLAIN";
    }

    static String emptyPassword() {
        return "empty password";
    }

    static String enterPassword() {
        return "Enter new password: ";
    }

    static String retypePassword() {
        return "Retype new password: ";
    }

    static String passwordsDiffer() {
        return "passwords do not match";
    }

    static String policydListening(String host, int port, java.time.Duration greylistDelay, boolean spf) {
        StringBuilder b = new StringBuilder("bulwark: policy server on ").append(host).append(':').append(port)
                .append(':');
        if (spf) {
            b.append(" SPF");
        }
        if (greylistDelay != null) {
            b.append(spf ? "," : "").append(" greylisting with a delay of ").append(greylistDelay.toSeconds()).append('s');
        }
        return b.toString();
    }

    static String policydNothingToServe() {
        return "bulwark: fatal: policyd: name a policy to serve: --greylist, --spf or both";
    }

    static String policydBadListen(String text) {
        return "bad --listen address \"" + text + "\": expected host:port";
    }

    static String dkimKeyWritten(java.nio.file.Path key, String selector, String domain) {
        return "; private key in " + key + "; main.cf: dkim_private_key = " + key.toAbsolutePath()
                + ", dkim_selector = " + selector + ", dkim_domain = " + domain;
    }

    static String dmarcReportDisabled() {
        return "dmarc_report_enable = no: no new messages are recorded for reports";
    }

    static String tlsrptDisabled() {
        return "smtp_tlsrpt_enable = no: no new TLS sessions are recorded for reports";
    }
}
