package org.bulwark.smtpd;

import org.bulwark.mail.SmtpReply;

/** smtpd's log lines about TLS and SASL, worded once, in Postfix's forms (fail2ban reads them). */
final class SmtpdTexts {

    private SmtpdTexts() {
    }

    static String tlsDisabled(String why) {
        return why + "; STARTTLS is not offered";
    }

    static String handshakeFailed(String nameAndAddress, String why) {
        return "SSL_accept error from " + nameAndAddress + ": " + why;
    }

    static String discardedAfterStartTls(String nameAndAddress, String input) {
        return "discarding input pipelined after STARTTLS from " + nameAndAddress + ": " + input;
    }

    /** fail2ban's postfix-sasl filter: {@code warning: host[ip]: SASL LOGIN authentication failed: ...}. */
    static String authenticationFailed(String nameAndAddress, String mechanism, String reason) {
        return nameAndAddress + ": SASL " + mechanism + " authentication failed: " + reason;
    }

    static String authenticationUnavailable(String nameAndAddress, String mechanism, String reason) {
        return nameAndAddress + ": SASL " + mechanism + " authentication aborted: " + reason;
    }

    /** Postfix's smtpd_check_size warning when queue_minfree refuses a MAIL FROM. */
    static String notEnoughQueueSpace(long usable) {
        return "not enough free space in mail queue: " + usable + " bytes < queue_minfree + message size";
    }

    /** Postfix's warning when smtpd_tls_req_ccert is set but TLS is optional. */
    static String cannotRequireClientCertificates() {
        return "Can't require client certs unless TLS is required";
    }

    /** Postfix's log line when smtpd_tls_req_ccert refuses a session. */
    static String abortWithoutTrustedCertificate(String nameAndAddress, String why) {
        return "NOQUEUE: abort: TLS from " + nameAndAddress + ": " + why;
    }

    static String clientCertificateProblem(boolean presented) {
        return presented ? "Client certificate not trusted" : "No client certificate presented";
    }

    /** Postfix's reply after the handshake when smtpd_tls_req_ccert is not met; the connection closes. */
    static org.bulwark.mail.SmtpReply trustedCertificateRequired(String myhostname, String why) {
        return org.bulwark.mail.SmtpReply.of(421, "4.7.1", myhostname + " Error: " + why);
    }

    /** The text of Postfix's milter-discard log line. */
    static final String MILTER_DISCARD = "milter triggers DISCARD action";

    /** Postfix's banner when a milter refuses the connection; the milter then refuses each MAIL FROM. */
    static org.bulwark.mail.SmtpReply milterRefusedConnection(String myhostname) {
        return org.bulwark.mail.SmtpReply.of(554, null, myhostname + " ESMTP not accepting connections");
    }

    /** Postfix's banner when a milter asks to end the session at connect. */
    static org.bulwark.mail.SmtpReply milterShutdownAtConnect(String myhostname) {
        return org.bulwark.mail.SmtpReply.of(421, null, myhostname + " Service unavailable - try again later");
    }

    // XCLIENT and XFORWARD, in Postfix's words.

    static final SmtpReply XFORWARD_OK = SmtpReply.of(250, "2.0.0", "Ok");
    static final SmtpReply TRANSACTION_IN_PROGRESS = SmtpReply.of(503, "5.5.1", "Error: MAIL transaction in progress");
    static final SmtpReply INSUFFICIENT_AUTHORIZATION = SmtpReply.of(550, "5.7.0", "Error: insufficient authorization");
    static final SmtpReply ATTRIBUTE_EXPECTED = SmtpReply.of(501, "5.5.4", "Error: attribute=value expected");
    static final SmtpReply ATTRIBUTE_TOO_LONG = SmtpReply.of(501, "5.5.4", "Error: attribute value too long");

    static SmtpReply attributesSyntax(String verb) {
        return SmtpReply.of(501, "5.5.4", "Syntax: " + verb + " attribute=value...");
    }

    static SmtpReply badAttributeName(String verb, String name) {
        return SmtpReply.of(501, "5.5.4", "Bad " + verb + " attribute name: " + name);
    }

    static SmtpReply badAttributeSyntax(String attribute, String value) {
        return SmtpReply.of(501, "5.5.4", "Bad " + attribute + " syntax: " + value);
    }

    /** A PREPEND that smtpd_end_of_data_restrictions asked for, when the headers are already written. */
    static String prependTooLate(String header) {
        return "PREPEND " + header + " is ignored at end of data: the headers are already written (as in Postfix)";
    }

    /** smtpd_milter_maps gave a milter list that cannot be used; the client hears 421. */
    static String milterMapsProblem(String client, String problem) {
        return "smtpd_milter_maps: bad milter list for " + client + ": " + problem;
    }
}
