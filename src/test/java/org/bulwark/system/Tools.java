package org.bulwark.system;

import java.nio.file.Files;
import java.nio.file.Path;

/** The outside programs the system tests drive; a missing one fails with how to install it. */
final class Tools {

    private Tools() {
    }

    static String swaks() {
        return require("/usr/bin/swaks", "swaks", "apt-get install swaks");
    }

    /** Debian's python3, which has the standard library's mailbox and smtplib modules. */
    static String python3() {
        return require("/usr/bin/python3", "python3", "apt-get install python3");
    }

    /** Postfix's smtp-sink, a real SMTP receiver for the client's tests. */
    static String smtpSink() {
        return require("/usr/sbin/smtp-sink", "smtp-sink", "apt-get install postfix");
    }

    /**
     * The address of each maillog line that fail2ban's filter matches, as the real fail2ban-regex
     * reports them ({@code -o ip}); {@code filter} is Debian's filter file, with options as a jail
     * gives them ({@code /etc/fail2ban/filter.d/postfix.conf[mode=auth]}).
     */
    static java.util.List<String> fail2banMatches(Path maillog, String filter) throws Exception {
        String regex = require("/usr/bin/fail2ban-regex", "fail2ban-regex", "apt-get install fail2ban");
        if (!Files.isRegularFile(Path.of(POSTFIX_FILTER))) {
            throw new AssertionError("fail2ban's postfix filter is needed but " + POSTFIX_FILTER + " is missing; run:"
                    + " apt-get install fail2ban (.ci/run installs it)");
        }
        var result = MailSystemFixture.run(java.util.List.of(regex, "-o", "ip", maillog.toString(), filter), null);
        if (result.exitCode() != 0) {
            throw new AssertionError("fail2ban-regex failed: " + result.output());
        }
        return result.output().lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    /** Debian's stock fail2ban filter for Postfix; its jails postfix and postfix-sasl use it. */
    static final String POSTFIX_FILTER = "/etc/fail2ban/filter.d/postfix.conf";

    private static String require(String path, String name, String install) {
        if (Files.isExecutable(Path.of(path))) {
            return path;
        }
        throw new AssertionError(name + " is needed by this test but is not installed; run: " + install
                + " (.ci/run installs it)");
    }
}
