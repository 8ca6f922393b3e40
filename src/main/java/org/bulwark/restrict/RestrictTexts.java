package org.bulwark.restrict;

import org.bulwark.mail.SmtpReply;

/**
 * Every reply text and operator message of the restriction engine, worded once, as Postfix's
 * smtpd_check.c words them. Codes that Postfix makes configurable come in as arguments.
 */
final class RestrictTexts {

    // Postfix's reply classes: what kind of thing a reply names.
    static final String CLIENT = "Client host";
    static final String HELO = "Helo command";
    static final String SENDER = "Sender address";
    static final String RECIPIENT = "Recipient address";
    static final String ETRN = "Etrn command";
    static final String DATA = "Data command";
    static final String END_OF_DATA = "End-of-data";
    static final String CLIENT_CERTIFICATE = "Client certificate";

    static final String ACCESS_DENIED = "Access denied";
    static final String SERVICE_UNAVAILABLE = "Service unavailable";
    /** RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets with CRLF; Postfix cuts at 510. */
    private static final int MAX_LINE = 510;

    private RestrictTexts() {
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

    // The DNS-based restrictions.

    /** reject_unknown_client_hostname (or, with {@code reverse}, _reverse_): no {@code <name>:} prefix. */
    static SmtpReply cannotFindHostname(int code, String address, boolean reverse) {
        return reply(code, "4.7.1", "Client host rejected: cannot find your " + (reverse ? "reverse " : "")
                + "hostname, [" + address + "]");
    }

    static SmtpReply heloHostNotFound(int code, Subject subject) {
        return rejected(code, "4.7.1", subject, "Host not found");
    }

    /** reject_unknown_sender_domain (4.1.8) and reject_unknown_recipient_domain (4.1.2). */
    static SmtpReply domainNotFound(int code, Subject subject) {
        return rejected(code, subject.replyClass().equals(SENDER) ? "4.1.8" : "4.1.2", subject, "Domain not found");
    }

    /** RFC 7505 §4.2 and §4.3: a domain with a null MX accepts no mail, nor sends any. */
    static SmtpReply nullMx(Subject subject, String domain) {
        boolean sender = subject.replyClass().equals(SENDER);
        return rejected(sender ? 550 : 556, sender ? "5.7.27" : "5.1.10", subject,
                "Domain " + domain + " does not accept mail (nullMX)");
    }

    /** A DNS list could not be asked; the check is deferred rather than passed. */
    static SmtpReply rblLookupFailed(String replyClass, String what, String domain) {
        return reply(450, "4.7.1", "Service unavailable; " + replyClass + " [" + what + "] not checked: DNS lookup in "
                + domain + " failed temporarily");
    }

    /** An allow list that could not be asked: a later 5xx becomes this (Postfix's defer_if_reject). */
    static SmtpReply allowListUnavailable(String replyClass, String what) {
        return rejected(450, "4.7.1", new Subject(what, replyClass), SERVICE_UNAVAILABLE);
    }

    /** check_*_mx_access and kin when the servers cannot be looked up (Postfix: 4.4.3). */
    static SmtpReply serverLookupFailed(Subject subject, String type, String domain) {
        return rejected(450, "4.4.3", subject, "unable to look up " + type + " host for " + domain);
    }

    /** reject_unverified_*: the probe's (or unverified_*_reject_reason's) text after a 4xx, cut as Postfix cuts it. */
    static SmtpReply unverifiedAddress(int code, String dsn, Subject subject, String why) {
        return rejected(code, dsn, subject, "unverified address: " + (why.length() > 250 ? why.substring(0, 250) : why));
    }

    /** reject_unverified_*: the address bounced and the configured code is 5xx. */
    static SmtpReply undeliverableAddress(int code, String dsn, Subject subject, String why) {
        return rejected(code, dsn, subject, "undeliverable address: " + why);
    }

    /** reject_unverified_*: the verify service could not be asked. */
    static SmtpReply addressVerificationProblem(String dsn, Subject subject) {
        return rejected(450, dsn, subject, "address verification problem");
    }

    /** Postfix's warning when verify(8) does not answer. */
    static String verifyServiceFailure(String service) {
        return service + " service failure";
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

    static String settingInRestrictionList(String name, String parameter) {
        return "\"" + name + " = ...\" is read as part of " + parameter + ": a line that starts with white space"
                + " continues the one before; to set " + name + ", start its line in the first column"
                + " (and put a # comment on a line of its own)";
    }

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

    /** Worded once, in config, so that the loader and the parser say the same. */
    static String notImplemented(String name, String parameter, org.bulwark.config.Vocabulary.Refused refused) {
        return org.bulwark.config.Vocabulary.restrictionRefusal(name, parameter, refused);
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

    /** Postfix's log text for an action that changes the message: {@code <x>: Recipient address triggers HOLD action}. */
    static String triggers(Subject subject, String what) {
        return "<" + subject.name() + ">: " + subject.replyClass() + " triggers " + what;
    }

    static String actionNeedsAddress(String table, String action, String value) {
        return "access table " + table + ": " + action + " needs one address with a domain, not \"" + value
                + "\"; the request is answered 451 4.3.5";
    }

    /** Postfix's warning for FILTER without a transport; the action is then skipped, as there. */
    static String filterNeedsTransport(String table, String value) {
        return "access table " + table + " entry \"" + value + "\" requires transport:destination"
                + " (e.g. FILTER smtp:[127.0.0.1]:10025); the action is skipped";
    }

    static String badTempfailAction(String parameter, String value) {
        return "bad " + parameter + " value \"" + value + "\": specify defer_if_permit or defer";
    }

    /** Postfix's warning when a certificate restriction runs in a service that never asks for one. */
    static String ccertNotAsked(String name) {
        return name + " is requested, but \"smtpd_tls_ask_ccert = no\"";
    }

    static String badCcertArgument(String argument, String parameter) {
        return "check_ccert_access in " + parameter + ": cannot read \"" + argument + "\"; write"
                + " check_ccert_access type:table or check_ccert_access { type:table, { search_order ="
                + " cert_fingerprint, pubkey_fingerprint } }";
    }

    static String unknownCcertSearch(String word, String parameter) {
        return "check_ccert_access in " + parameter + ": unknown search_order item \"" + word
                + "\"; use cert_fingerprint and pubkey_fingerprint";
    }

    static String rblWithoutDomain(String name, String parameter) {
        return "restriction " + name + " in " + parameter + " needs a DNS list domain, e.g. " + name
                + " zen.spamhaus.org";
    }

    static String badRblFilter(String name, String argument) {
        return "restriction " + name + ": bad reply filter in \"" + argument
                + "\"; write domain=d.d.d.d where each d is a number, [n..m] or [a;b]";
    }

    static String badRblReply(String domain, String template) {
        return "RBL reply template for " + domain + " does not start with a 4xx or 5xx code: \"" + template + "\"";
    }

    static String neverMatchesAtStage(String name, String parameter, String needs) {
        return "restriction " + name + " in " + parameter + " can never match: it looks at the " + needs
                + ", which is not known yet when smtpd_delay_reject = no; move it to a later"
                + " smtpd_*_restrictions list or set smtpd_delay_reject = yes";
    }

    static String rblTemporaryFailure(String domain, String reason) {
        return "DNS lookup in " + domain + " failed: " + reason;
    }

    /** postfix-policyd-spf's refusal for an SPF fail; the code goes through access(5) like any action. */
    static String spfFail(String explanation) {
        return "550 5.7.23 Message rejected due to: SPF fail - not authorized. " + explanation;
    }

    static String spfTemporaryError(String domain) {
        return "451 4.4.3 SPF temporary error while checking " + domain + "; try again later";
    }

    static String prependNeedsHeader(String table, String value) {
        return "access table " + table + " entry \"" + value + "\" requires header: text";
    }

    static String policyProblem(String server, String why) {
        return why.startsWith("problem talking") ? why : "problem talking to server " + server + ": " + why;
    }

    static String unknownBuiltinPolicy(String name) {
        return "unknown built-in policy \"builtin:" + name + "\": expected builtin:greylist or builtin:spf";
    }

    static String badNumber(String parameter, String value) {
        return "bad numerical configuration: " + parameter + " = " + value;
    }
}
