package org.bulwark.protocol;

import java.util.List;
import org.bulwark.mail.SmtpReply;

/**
 * Every reply the SMTP server sends, worded once, as Postfix keeps its texts in smtpd(8). Codes and
 * texts follow Postfix so that clients, log readers and people who know Postfix see what they
 * expect. Replies to HELO/EHLO and the greeting carry no enhanced status code (RFC 2034 §3).
 */
public final class ReplyTexts {

    private ReplyTexts() {
    }

    // Greeting, HELO/EHLO and plain acknowledgements.
    public static SmtpReply banner(String smtpdBanner) {
        return SmtpReply.of(220, null, smtpdBanner);
    }

    public static SmtpReply helo(String myhostname) {
        return SmtpReply.of(250, null, myhostname);
    }

    /** The EHLO reply: the host name, then one line per keyword (RFC 5321 §4.1.1.1). */
    public static SmtpReply ehlo(String myhostname, List<String> keywords) {
        List<String> lines = new java.util.ArrayList<>();
        lines.add(myhostname);
        lines.addAll(keywords);
        return new SmtpReply(250, null, lines);
    }

    public static final SmtpReply OK = SmtpReply.of(250, "2.0.0", "Ok");
    public static final SmtpReply SENDER_OK = SmtpReply.of(250, "2.1.0", "Ok");
    public static final SmtpReply RECIPIENT_OK = SmtpReply.of(250, "2.1.5", "Ok");
    public static final SmtpReply START_DATA = SmtpReply.of(354, null, "End data with <CR><LF>.<CR><LF>");
    public static final SmtpReply BYE = SmtpReply.of(221, "2.0.0", "Bye");

    public static SmtpReply queued(String queueId) {
        return SmtpReply.of(250, "2.0.0", "Ok: queued as " + queueId);
    }

    /** A BDAT chunk other than the last was received (RFC 3030 §2). */
    public static SmtpReply chunkReceived(long octets) {
        return SmtpReply.of(250, "2.0.0", "Ok: " + octets + " bytes");
    }

    /** VRFY: Postfix never confirms an address, it echoes the argument (RFC 5321 §3.5.3). */
    public static SmtpReply vrfy(String argument) {
        return SmtpReply.of(252, "2.0.0", argument);
    }

    // Command syntax.
    public static final SmtpReply BAD_SYNTAX = SmtpReply.of(500, "5.5.2", "Error: bad syntax");
    public static final SmtpReply BAD_UTF8 = SmtpReply.of(500, "5.5.2", "Error: bad UTF-8 syntax");
    public static final SmtpReply LINE_TOO_LONG = SmtpReply.of(500, "5.5.0", "Error: line too long");
    public static final SmtpReply NOT_RECOGNIZED = SmtpReply.of(502, "5.5.2", "Error: command not recognized");
    public static final SmtpReply HELO_SYNTAX = SmtpReply.of(501, null, "Syntax: HELO hostname");
    public static final SmtpReply EHLO_SYNTAX = SmtpReply.of(501, null, "Syntax: EHLO hostname");
    public static final SmtpReply MAIL_SYNTAX = SmtpReply.of(501, "5.5.4", "Syntax: MAIL FROM:<address>");
    public static final SmtpReply RCPT_SYNTAX = SmtpReply.of(501, "5.5.4", "Syntax: RCPT TO:<address>");
    public static final SmtpReply DATA_SYNTAX = SmtpReply.of(501, "5.5.4", "Syntax: DATA");
    public static final SmtpReply RSET_SYNTAX = SmtpReply.of(501, "5.5.4", "Syntax: RSET");
    public static final SmtpReply BDAT_SYNTAX = SmtpReply.of(501, "5.5.4", "Syntax: BDAT count [LAST]");
    public static final SmtpReply VRFY_SYNTAX = SmtpReply.of(501, "5.5.4", "Syntax: VRFY address");
    public static final SmtpReply VRFY_DISABLED = SmtpReply.of(502, "5.5.1", "VRFY command is disabled");
    public static final SmtpReply ETRN_SYNTAX = SmtpReply.of(500, null, "Syntax: ETRN domain");
    public static final SmtpReply ETRN_BAD_PARAMETER = SmtpReply.of(501, null, "Error: invalid parameter syntax");
    public static final SmtpReply ETRN_IN_TRANSACTION = SmtpReply.of(503, null, "Error: MAIL transaction in progress");
    /** ETRN without a fast flush service, as Postfix answers when it cannot reach flush(8). */
    public static final SmtpReply ETRN_UNABLE = SmtpReply.of(458, null, "Unable to queue messages");

    /** RFC 5321 §2.3.8: lines end in CRLF; Postfix 3.9 smtpd_forbid_bare_newline = reject. */
    public static SmtpReply bareNewline(int code) {
        return SmtpReply.of(code, code >= 500 ? "5.5.2" : "4.5.2", "Error: bare <LF> received");
    }

    // Addresses and ESMTP parameters.
    public static final SmtpReply BAD_SENDER = SmtpReply.of(501, "5.1.7", "Bad sender address syntax");
    public static final SmtpReply BAD_RECIPIENT = SmtpReply.of(501, "5.1.3", "Bad recipient address syntax");
    public static final SmtpReply UNDECLARED_UTF8 = SmtpReply.of(553, "5.6.7", "Must declare SMTPUTF8 to send unicode address");
    public static final SmtpReply BAD_SIZE = SmtpReply.of(501, "5.5.4", "Bad message size syntax");
    public static final SmtpReply SIZE_OVERFLOW = SmtpReply.of(552, "5.3.4", "Message size exceeds file system imposed limit");
    public static final SmtpReply SIZE_EXCEEDS_LIMIT = SmtpReply.of(552, "5.3.4", "Message size exceeds fixed limit");
    public static final SmtpReply BAD_RET = SmtpReply.of(501, "5.5.4", "Bad RET parameter syntax");
    public static final SmtpReply BAD_ENVID = SmtpReply.of(501, "5.5.4", "Bad ENVID parameter syntax");
    public static final SmtpReply BAD_NOTIFY = SmtpReply.of(501, "5.5.4", "Error: Bad NOTIFY parameter syntax");
    public static final SmtpReply BAD_ORCPT = SmtpReply.of(501, "5.5.4", "Error: Bad ORCPT parameter syntax");
    public static final SmtpReply DSN_DISABLED = SmtpReply.of(501, "5.7.1", "DSN support is disabled");

    public static SmtpReply unsupportedOption(String option) {
        return SmtpReply.of(555, "5.5.4", "Unsupported option: " + option);
    }

    // Sequence.
    public static final SmtpReply SEND_HELO_FIRST = SmtpReply.of(503, "5.5.1", "Error: send HELO/EHLO first");
    public static final SmtpReply NESTED_MAIL = SmtpReply.of(503, "5.5.1", "Error: nested MAIL command");
    public static final SmtpReply NEED_MAIL = SmtpReply.of(503, "5.5.1", "Error: need MAIL command");
    public static final SmtpReply NEED_RCPT = SmtpReply.of(503, "5.5.1", "Error: need RCPT command");
    public static final SmtpReply NO_VALID_RECIPIENTS = SmtpReply.of(554, "5.5.1", "Error: no valid recipients");
    /** RFC 3030 §2: DATA may not follow BDAT in one transaction. */
    /** RFC 2920 §3.1 broken with smtpd_forbid_unauth_pipelining (Postfix 3.9). */
    public static final SmtpReply PROTOCOL_SYNCHRONIZATION = SmtpReply.of(554, "5.5.0", "Error: SMTP protocol synchronization");
    public static final SmtpReply DATA_AFTER_BDAT = SmtpReply.of(503, "5.5.1", "Error: DATA after BDAT");

    public static SmtpReply accessDenied(String nameAndAddress) {
        return SmtpReply.of(503, "5.7.0", "Error: access denied for " + nameAndAddress);
    }

    // STARTTLS (RFC 3207) and AUTH (RFC 4954), in Postfix's words.
    public static final SmtpReply READY_TO_START_TLS = SmtpReply.of(220, "2.0.0", "Ready to start TLS");
    public static final SmtpReply STARTTLS_SYNTAX = SmtpReply.of(501, "5.5.4", "Syntax: STARTTLS");
    public static final SmtpReply NOT_IMPLEMENTED = SmtpReply.of(502, "5.5.1", "Error: command not implemented");
    public static final SmtpReply TLS_ALREADY_ACTIVE = SmtpReply.of(554, "5.5.1", "Error: TLS already active");
    public static final SmtpReply MUST_STARTTLS = SmtpReply.of(530, "5.7.0", "Must issue a STARTTLS command first");
    public static final SmtpReply AUTH_NOT_ENABLED = SmtpReply.of(503, "5.5.1", "Error: authentication not enabled");
    public static final SmtpReply ALREADY_AUTHENTICATED = SmtpReply.of(503, "5.5.1", "Error: already authenticated");
    public static final SmtpReply AUTH_IN_TRANSACTION = SmtpReply.of(503, "5.5.1", "Error: MAIL transaction in progress");
    public static final SmtpReply AUTH_SYNTAX = SmtpReply.of(501, "5.5.4", "Syntax: AUTH mechanism");
    public static final SmtpReply AUTH_UNSUPPORTED = SmtpReply.of(504, "5.5.4", "Unsupported authentication mechanism");
    public static final SmtpReply AUTH_CANNOT_DECODE = SmtpReply.of(501, "5.5.2", "Cannot decode response");
    public static final SmtpReply AUTH_ABORTED = SmtpReply.of(501, "5.7.0", "Authentication aborted");
    public static final SmtpReply AUTH_SUCCESSFUL = SmtpReply.of(235, "2.7.0", "Authentication successful");
    /** RFC 4954 §6: 535 5.7.8 for bad credentials; the text never says whether the user exists. */
    public static final SmtpReply AUTH_FAILED = SmtpReply.of(535, "5.7.8", "Error: authentication failed: authentication failure");
    public static final SmtpReply AUTH_TEMPORARY_FAILURE = SmtpReply.of(454, "4.7.0", "Temporary authentication failure");

    /** A SASL challenge, base64 (RFC 4954 §4); empty asks for an initial response. */
    public static SmtpReply saslChallenge(String base64) {
        return SmtpReply.of(334, null, base64);
    }

    // Limits and failures.
    public static final SmtpReply TOO_MANY_RECIPIENTS = SmtpReply.of(452, "4.5.3", "Error: too many recipients");
    public static final SmtpReply MESSAGE_FILE_TOO_BIG = SmtpReply.of(552, "5.3.4", "Error: message file too big");
    public static final SmtpReply QUEUE_WRITE_ERROR = SmtpReply.of(451, "4.3.0", "Error: queue file write error");
    public static final SmtpReply INSUFFICIENT_STORAGE = SmtpReply.of(452, "4.3.1", "Insufficient system storage");
    public static final SmtpReply SERVICE_UNAVAILABLE = SmtpReply.of(421, "4.3.2", "Service currently unavailable");

    public static SmtpReply timeout(String myhostname) {
        return SmtpReply.of(421, "4.4.2", myhostname + " Error: timeout exceeded");
    }

    public static SmtpReply tooManyErrors(String myhostname) {
        return SmtpReply.of(421, "4.7.0", myhostname + " Error: too many errors");
    }

    /** Postfix's hang-up when a pre-SMTP handshake (the PROXY protocol header) failed. */
    public static SmtpReply serverLocalError(String myhostname) {
        return SmtpReply.of(421, "4.3.0", myhostname + " Server local error");
    }

        public static SmtpReply internalError(String myhostname) {
        return SmtpReply.of(421, "4.3.0", myhostname + " Error: internal error");
    }
}
