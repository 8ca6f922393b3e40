package org.bulwark.spawn;

import java.time.Duration;

/** What spawn services tell the operator, in master.cf errors and log lines, worded once. */
final class SpawnTexts {

    private SpawnTexts() {
    }

    static String missingUser() {
        return "spawn: missing user= attribute; name the unprivileged account the command runs as,"
                + " e.g. user=nobody argv=/usr/bin/perl /usr/sbin/postfix-policyd-spf-perl";
    }

    static String missingArgv() {
        return "spawn: missing argv= attribute; end the line with argv=/path/to/command and its arguments";
    }

    static String unknownAttribute(String attribute) {
        return "spawn: unknown attribute \"" + attribute + "\"; spawn takes user=name[:group] and argv=command ...";
    }

    static String unknownUser(String user) {
        return "spawn: user=" + user + ": no such user on this system; create it or name another, e.g. user=nobody";
    }

    static String unknownGroup(String group) {
        return "spawn: group " + group + ": no such group on this system; create it or leave out :" + group;
    }

    static String privileged(String user) {
        return "spawn: user=" + user + ": the command must not run as root (user or group id 0);"
                + " name an unprivileged account, e.g. user=nobody";
    }

    static String notRoot(String user, String runningAs) {
        return "spawn: user=" + user + ": the server runs as " + runningAs + ", not root, so it cannot"
                + " start the command as another user; start the server as root or write user=" + runningAs;
    }

    static String notExecutable(String command) {
        return "spawn: argv=" + command + ": no executable file by that name; install it or correct the path";
    }

    static String missingScript(String interpreter, String script, String installed) {
        return "spawn: argv=" + interpreter + " " + script + ": no such file " + script
                + (installed == null ? "; install it or correct the path" : "; it is installed as " + installed
                        + ", write argv=" + interpreter + " " + installed);
    }

    static String unsupportedType(String type) {
        return "spawn: service type " + type + " is not supported; use unix (a socket under the queue directory)"
                + " or inet (host:port)";
    }

    static String badTimeLimit(String name, String value) {
        return name + " = " + value + ": not a time; write a number with an optional unit s, m, h, d or w, e.g. 3600s";
    }

    static String timeLimitForAnotherService(String service) {
        return "policy_time_limit applies to a spawn service named policy, and master.cf has none;"
                + " to limit " + service + " set " + service + "_time_limit (now $command_time_limit)";
    }

    static String listening(String service, String socket, Duration limit) {
        return "spawn service " + service + " listening on " + socket + ", command time limit "
                + limit.toSeconds() + "s";
    }

    static String stderrLine(String command, String line) {
        return "command " + command + ": " + line;
    }

    static String cannotExecute(String command, String reason) {
        return "command " + command + ": cannot execute: " + reason;
    }

    static String timeLimitExceeded(String command, long pid) {
        return command + ": process id " + pid + ": command time limit exceeded";
    }

    static String exitStatus(String command, int status) {
        return "command " + command + " exit status " + status;
    }

    static String killedBySignal(String command, int signal) {
        return "command " + command + " killed by signal " + signal;
    }

    /** A socket path, or host:port as master.cf names an inet service ([ipv6]:port). */
    static String endpoint(java.net.SocketAddress endpoint) {
        if (endpoint instanceof java.net.UnixDomainSocketAddress unix) {
            return unix.getPath().toString();
        }
        java.net.InetSocketAddress inet = (java.net.InetSocketAddress) endpoint;
        String host = inet.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
    }

    static String cannotListen(String service, String socket, String reason) {
        return "spawn service " + service + ": cannot listen on " + socket + ": " + reason;
    }

    static String serviceProblem(String service, String problem) {
        return "spawn service " + service + ": " + problem;
    }
}
