package org.bulwark.delivery.smtp;

import java.net.InetAddress;

/**
 * Every text the SMTP client writes into log lines and delivery status reasons, in Postfix's
 * smtp(8) wording, so that pflogsumm and the administrator's habits keep working.
 */
final class SmtpTexts {

    private SmtpTexts() {
    }

    /** The {@code relay=} field: {@code host[address]:port}. */
    static String relay(String host, InetAddress address, int port) {
        return host + "[" + address.getHostAddress() + "]:" + port;
    }

    static String peer(String host, InetAddress address) {
        return host + "[" + address.getHostAddress() + "]";
    }

    static String hostSaid(String peer, String reply, String command) {
        return "host " + peer + " said: " + reply + " (in reply to " + command + " command)";
    }

    static String connectFailed(String host, InetAddress address, int port, String why) {
        return "connect to " + relay(host, address, port) + ": " + why;
    }

    static String lostConnection(String peer, String stage) {
        return "lost connection with " + peer + " while " + stage;
    }

    static String timedOut(String peer, String stage) {
        return "conversation with " + peer + " timed out while " + stage;
    }

    static String refusedGreeting(String peer, String reply) {
        return "host " + peer + " refused to talk to me: " + reply;
    }

    static String nullMx(String domain) {
        return "Domain " + domain + " does not accept mail (nullMX)";
    }

    static String hostNotFound(String name, String type) {
        return "Host or domain name not found. Name service error for name=" + name + " type=" + type
                + ": Host not found";
    }

    static String hostNotFoundTryAgain(String name, String type) {
        return "Host or domain name not found. Name service error for name=" + name + " type=" + type
                + ": Host not found, try again";
    }

    static String noUsableAddress(String name) {
        return "Host or domain name not found. Name service error for name=" + name
                + " type=A: no address of the allowed inet_protocols";
    }

    static String sizeExceeded(long size, long limit, String peer) {
        return "message size " + size + " exceeds size limit " + limit + " of server " + peer;
    }

    static String smtputf8Required(String peer) {
        return "SMTPUTF8 is required, but was not offered by host " + peer;
    }

    static String tlsNotOffered(String peer) {
        return "TLS is required, but was not offered by host " + peer;
    }

    static String tlsFailed(String peer, String why) {
        return "TLS is required, but our TLS engine is unavailable or the handshake with " + peer
                + " failed: " + why;
    }

    static String certificateUntrusted(String peer, String why) {
        return "Server certificate not trusted: " + peer + ": " + why;
    }

    static String certificateNameMismatch(String peer, String expected) {
        return "Server certificate not verified: " + peer + ": the certificate names none of " + expected;
    }

    static String starttlsRefused(String peer, String reply) {
        return "host " + peer + " refused STARTTLS: " + reply;
    }

    /** The log line after a handshake; {@code trust} is Verified, Trusted, Untrusted or Anonymous. */
    static String tlsEstablished(String trust, String relay, String protocol, String cipher, int bits) {
        return trust + " TLS connection established to " + relay + ": " + protocol + " with cipher " + cipher
                + " (" + bits + "/" + bits + " bits)";
    }

    static String tlsSetupFailed(String file, String why) {
        return "cannot load smtp_tls_CAfile " + file + ": " + why;
    }

    static String plaintextFallback(String relay, String why) {
        return relay + ": " + why + "; trying again without TLS";
    }

    static String daneNotSupported() {
        return "smtp_tls_security_level dane is not supported yet; using may";
    }

    static final String STAGE_GREETING = "receiving the initial server greeting";
    static final String STAGE_EHLO = "performing the EHLO handshake";
    static final String STAGE_HELO = "performing the HELO handshake";
    static final String STAGE_STARTTLS = "performing the STARTTLS handshake";
    static final String STAGE_MAIL = "sending MAIL FROM";
    static final String STAGE_RCPT = "sending RCPT TO";
    static final String STAGE_DATA = "sending DATA command";
    static final String STAGE_MESSAGE = "sending message body";
    static final String STAGE_DATA_DONE = "sending end of data -- message may be sent more than once";
}
