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

    private static String require(String path, String name, String install) {
        if (Files.isExecutable(Path.of(path))) {
            return path;
        }
        throw new AssertionError(name + " is needed by this test but is not installed; run: " + install
                + " (.ci/run installs it)");
    }
}
