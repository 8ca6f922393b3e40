package org.bulwark.restrict;

import org.bulwark.mail.SmtpReply;

/**
 * Every reply text and operator message of the restriction engine, worded once, as Postfix's
 * smtpd_check.c words them. Codes that Postfix makes configurable come in as arguments.
 */
final class Replies {

    // Postfix's reply classes: what kind of thing a reply names.
    static final String CLIENT = "Client host";
    static final String HELO = "Helo command";
    static final String SENDER = "Sender address";
    static final String RECIPIENT = "Recipient address";
    static final String ETRN = "Etrn command";
    static final String DATA = "Data command";
    static final String END_OF_DATA = "End-of-data";

    static final String ACCESS_DENIED = "Access denied";
    static final String SERVICE_UNAVAILABLE = "Service unavailable";
    /** RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets with CRLF; Postfix cuts at 510. */
    private static final int MAX_LINE = 510;

    private Replies() {
    }

    /** {@code <name>: Class rejected: text}, the shape of most restriction replies. */
    static SmtpReply rejected(int code, String dsn, Subject subject, String text) {
        return reply(code, dsn, "<" + subject.name() + ">: " + subject.replyClass() + " rejected: " + text);
    }

    static SmtpReply relayAccessDenied(int code, String dsn, String recipient) {
        return reply(code, dsn, "<" + recipient + ">: Relay access denied");
    }

    static SmtpReply tryAgainLater(int code, Subject subject) {
        return rejected(code, "4.3.2", subject, "Try again later");
    }

    static SmtpReply accessDenied(int code, Subject subject) {
        return rejected(code, "5.7.1", subject, ACCESS_DENIED);
    }

    static SmtpReply deferIfPermitRequested(Subject subject) {
        return rejected(450, "4.7.0", subject, "defer_if_permit requested");
    }

    static SmtpReply deferIfRejectRequested(Subject subject) {
        return rejected(450, "4.7.0", subject, "defer_if_reject requested");
    }

    static SmtpReply improperPipelining(Subject subject) {
        return rejected(503, "5.5.0", subject, "Improper use of SMTP command pipelining");
    }

    static SmtpReply invalidHeloName(int code, Subject subject) {
        return rejected(code, "5.5.2", subject, "Invalid name");
    }

    static SmtpReply invalidIpAddress(int code, Subject subject) {
        return rejected(code, "5.5.2", subject, "invalid ip address");
    }

    static SmtpReply needFqdnHostname(int code, Subject subject) {
        return rejected(code, "5.5.2", subject, "need fully-qualified hostname");
    }

    static SmtpReply needFqdnAddress(int code, Subject subject) {
        return rejected(code, "5.5.2", subject, "need fully-qualified address");
    }

    static SmtpReply multiRecipientBounce(int code, Subject subject) {
        return rejected(code, "5.5.3", subject, "Multi-recipient bounce");
    }

    /** {@code User unknown in local recipient table} and its virtual/relay siblings. */
    static SmtpReply userUnknown(int code, Subject subject, String table, boolean showTable) {
        String dsn = subject.replyClass().equals(SENDER) ? "5.1.0" : "5.1.1";
        return rejected(code, dsn, subject, "User unknown" + (showTable ? " in " + table : ""));
    }

    static SmtpReply senderNotLoggedIn(String sender) {
        return reply(553, "5.7.1", "<" + sender + ">: Sender address rejected: not logged in");
    }

    static SmtpReply senderNotOwned(String sender, String user) {
        return reply(553, "5.7.1", "<" + sender + ">: Sender address rejected: not owned by user " + user);
    }

    static SmtpReply serverConfigurationError() {
        return reply(451, "4.3.5", "Server configuration error");
    }

    /**
     * A reply with Postfix's safety nets: an out-of-range code becomes {@code 450 4.7.1 Service
     * unavailable}, and the enhanced code's class follows the reply code (RFC 3463 §3.1).
     */
    static SmtpReply reply(int code, String dsn, String text) {
        if (code < 400 || code > 599) {
            return SmtpReply.of(450, "4.7.1", SERVICE_UNAVAILABLE);
        }
        String consistent = (char) ('0' + code / 100) + dsn.substring(1);
        return SmtpReply.of(code, consistent, printable(text, MAX_LINE - 4 - consistent.length() - 1));
    }

    /**
     * Text from a table or a client as it may go on the wire: control characters become spaces,
     * as Postfix's printable() does, and the line is cut to fit.
     */
    private static String printable(String text, int max) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), max));
        for (int i = 0; i < text.length() && b.length() < max; i++) {
            char c = text.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return b.toString();
    }

    // Operator messages (log lines and configuration errors).

    static String unknownRestriction(String name, String parameter) {
        return "unknown restriction \"" + name + "\" in " + parameter;
    }

    static String needsTable(String name, String parameter, String argument) {
        return "restriction " + name + " in " + parameter + ": bad argument \""
                + (argument == null ? "" : argument) + "\": need maptype:mapname";
    }

    static String needsArgument(String name, String parameter) {
        return "restriction " + name + " in " + parameter + " requires an argument";
    }

    static String classNeedsDefinition(String name) {
        return "restriction class \"" + name + "\" needs a definition";
    }

    static String relayCheckRequired(String names) {
        return "in parameter smtpd_relay_restrictions or smtpd_recipient_restrictions, specify at least one"
                + " working instance of: " + names;
    }

    static String notImplemented(String name) {
        return "restriction " + name + " is not implemented yet; it is skipped";
    }

    static String implicitTableWithoutDefault(String replyClass, String table) {
        return "specify one of (check_client_access, check_helo_access, check_sender_access,"
                + " check_recipient_access) before " + replyClass + " restriction \"" + table + "\"";
    }

    static String tableInAccessValue(String table, String value) {
        return "access table " + table + " has entry with lookup table: " + value
                + "; define a restriction class and specify its name instead";
    }

    static String unknownRestrictionInTable(String table, String value) {
        return "access table " + table + " entry \"" + value + "\" names an unknown restriction";
    }

    static String tooMuchRecursion(String table, String value) {
        return "access table " + table + " entry " + value + " causes unreasonable recursion";
    }

    static String actionNotImplemented(String table, String action) {
        return "access table " + table + ": action " + action + " is not implemented yet; it is skipped";
    }

    static String prependNeedsHeader(String table, String value) {
        return "access table " + table + " entry \"" + value + "\" requires header: text";
    }

    static String policyProblem(String server, String why) {
        return why.startsWith("problem talking") ? why : "problem talking to server " + server + ": " + why;
    }

    static String unknownBuiltinPolicy(String name) {
        return "unknown built-in policy \"builtin:" + name + "\": expected builtin:greylist";
    }

    static String badNumber(String parameter, String value) {
        return "bad numerical configuration: " + parameter + " = " + value;
    }
}
