package org.bulwark.delivery.pipe;

/** Every text pipe(8) writes into log lines, bounces and configuration errors, in Postfix's wording. */
final class PipeTexts {

    private PipeTexts() {
    }

    static String deliveredVia(String service, String output) {
        return "delivered via " + service + " service" + (output.isEmpty() ? "" : " (" + cut(output, 100) + ")");
    }

    static String withOutput(String text, String output) {
        return text + (output.isEmpty() ? "" : ". Command output: " + output);
    }

    static String diedWithStatus(int status, String command, String output) {
        return withOutput("Command died with status " + status + ": \"" + command + "\"", output);
    }

    static String diedWithSignal(int signal, String command, String output) {
        return withOutput("Command died with signal " + signal + ": \"" + command + "\"", output);
    }

    static String timeLimitExceeded(String command, String output) {
        return withOutput("Command time limit exceeded: \"" + command + "\"", output);
    }

    static String cannotRun(String command, String why) {
        return "cannot run command \"" + command + "\": " + why;
    }

    static final String MESSAGE_TOO_LARGE = "message too large";
    static final String CONFIGURATION_ERROR = "mail system configuration error";

    static String needsOneRecipient(char flag, String service) {
        return "pipe flag `" + flag + "' requires " + service + "_destination_recipient_limit = 1";
    }

    static String privilegesUnavailable(String user) {
        return "cannot run the command as " + user + ": setpriv (util-linux) is not installed";
    }

    // Configuration errors, refused at load with the master.cf line (an unknown account defers instead).
    static final String MISSING_ARGV = "pipe service without argv= (write argv=/path/to/command ${recipient} ... last)";
    static final String MISSING_USER = "pipe service without user= (write user=name, an account that is not root)";
    static final String ROOT_USER = "user= names root: a pipe command never runs as root; name another account";

    static String unknownUser(String user) {
        return "user=" + user + ": no such account in /etc/passwd (or group in /etc/group); create it, or fix the master.cf line";
    }

    static String unknownAttribute(String attribute) {
        return "unknown pipe attribute \"" + attribute + "\" (known: flags=, user=, argv=, size=, eol=, directory=, null_sender=)";
    }

    static String unknownFlag(char flag) {
        return "unknown pipe flag \"" + flag + "\" in flags= (known: B D F O R X h q u . >)";
    }

    static String unknownMacro(String name) {
        return "unknown or unsupported macro ${" + name + "} in argv= (known: ${sender}, ${recipient}, ${nexthop}, "
                + "${user}, ${extension}, ${mailbox}, ${domain}, ${original_recipient}, ${size}, ${queue_id})";
    }

    static String badSize(String value) {
        return "size=" + value + ": not a number of bytes";
    }

    private static String cut(String text, int max) {
        return text.length() > max ? text.substring(0, max) : text;
    }
}
