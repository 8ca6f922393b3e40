package org.bulwark.anvil;

import org.bulwark.mail.SmtpReply;

/** Anvil's replies and log lines, worded as Postfix's smtpd words them. */
final class AnvilTexts {

    private AnvilTexts() {
    }

    static SmtpReply tooManyConnections(String myhostname, String clientAddress) {
        return SmtpReply.of(421, "4.7.0", myhostname + " Error: too many connections from " + clientAddress);
    }

    static SmtpReply tooMuchMail(String clientAddress) {
        return SmtpReply.of(450, "4.7.1", "Error: too much mail from " + clientAddress);
    }

    static SmtpReply tooManyRecipients(String clientAddress) {
        return SmtpReply.of(450, "4.7.1", "Error: too many recipients from " + clientAddress);
    }

    static SmtpReply tooManyNewTlsSessions(String clientAddress) {
        return SmtpReply.of(454, "4.7.0", "Error: too many new TLS sessions from " + clientAddress);
    }

    static SmtpReply tooManyAuth(String clientAddress) {
        return SmtpReply.of(450, "4.7.1", "Error: too many AUTH commands from " + clientAddress);
    }

    static String exceeded(String what, long count, String client, String service) {
        return what + " limit exceeded: " + count + " from " + client + " for service " + service;
    }

    static final String CONCURRENCY = "Connection concurrency";
    static final String CONNECTION_RATE = "Connection rate";
    static final String MESSAGE_RATE = "Message delivery request rate";
    static final String RECIPIENT_RATE = "Recipient address rate";
    static final String AUTH_RATE = "AUTH command rate";
    static final String NEW_TLS_SESSION_RATE = "New TLS session rate";

    /** Limits fail closed: without counters a limited client is told to come back later. */
    static SmtpReply limitsUnavailable(int code, String myhostname) {
        return SmtpReply.of(code, "4.3.0", (myhostname == null ? "" : myhostname + " ")
                + "Error: client limits unavailable, try again later");
    }

    static String storeFailed(String why) {
        return "problem talking to the anvil counter store: " + why
                + "; clients that limits apply to are deferred (4xx)";
    }

    static String redisUnreachable(String address, String why) {
        return "anvil_database redis " + address + " unreachable: " + why
                + "; until it answers, clients that limits apply to get 4xx (limits fail closed)";
    }

    static String redisBack(String address) {
        return "anvil_database redis " + address + " answers again; client limits apply as configured";
    }
}
