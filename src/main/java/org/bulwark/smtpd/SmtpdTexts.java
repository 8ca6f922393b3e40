package org.bulwark.smtpd;

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
}
