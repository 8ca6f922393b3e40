package org.bulwark.cli;

import java.util.List;

/** What the daemon commands say to the operator, worded in one place. */
final class Messages {

    private Messages() {
    }

    static String started(long pid, List<Integer> ports, String maillog) {
        String where = maillog.isEmpty() || maillog.equals("-") ? "standard output"
                : java.nio.file.Path.of(maillog).normalize().toString();
        return "bulwark: the mail system is running: PID: " + pid + ", SMTP on port(s) " + ports
                + ", log: " + where;
    }

    static String alreadyRunning(long pid) {
        return "bulwark: fatal: the mail system is already running: PID: " + pid;
    }

    static String running(long pid) {
        return "bulwark: the mail system is running: PID: " + pid;
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

    static String dkimKeyWritten(java.nio.file.Path key, String selector, String domain) {
        return "; private key in " + key + "; main.cf: dkim_private_key = " + key.toAbsolutePath()
                + ", dkim_selector = " + selector + ", dkim_domain = " + domain;
    }
}
