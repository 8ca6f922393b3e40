package org.bulwark.cleanup;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;

/** Every header cleanup writes and every line it logs, worded in one place, in Postfix's forms. */
final class CleanupTexts {

    /** Postfix's mail_date(): RFC 5322 §3.3 date with the zone's abbreviation as a comment. */
    private static final DateTimeFormatter MAIL_DATE =
            DateTimeFormatter.ofPattern("EEE, ppd MMM yyyy HH:mm:ss xx (zzz)", Locale.US);
    private static final DateTimeFormatter MESSAGE_ID_STAMP =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT).withZone(java.time.ZoneOffset.UTC);

    private CleanupTexts() {
    }

    static String mailDate(Instant time, ZoneId zone) {
        return MAIL_DATE.format(time.atZone(zone));
    }

    /**
     * The trace header of RFC 5321 §4.4, as Postfix's smtpd writes it; {@code for <rcpt>} only when
     * the message has exactly one recipient, so a Bcc recipient is never disclosed to the others.
     */
    static String receivedFromClient(Envelope envelope, QueueId id, String myhostname, String mailName, String date) {
        ClientInfo client = envelope.client();
        String helo = client.helo() == null || client.helo().isEmpty() ? client.name() : client.helo();
        String address = client.address().indexOf(':') >= 0 ? "IPv6:" + client.address() : client.address();
        StringBuilder b = new StringBuilder()
                .append("Received: from ").append(helo).append(" (").append(client.name())
                .append(" [").append(address).append("])\n");
        if (client.tls() != null) {
            // Postfix's smtpd_tls_received_header form.
            b.append("\t(using ").append(client.tls()).append(")\n\t(").append(client.tlsClientCertificate())
                    .append(")\n");
        }
        if (client.authenticatedHeader() && client.saslUsername() != null) {
            b.append("\t(Authenticated sender: ").append(client.saslUsername()).append(")\n");
        }
        b.append("\tby ").append(myhostname).append(" (").append(mailName).append(") with ")
                .append(client.protocol()).append(" id ").append(id);
        if (envelope.recipients().size() == 1) {
            b.append("\n\tfor <").append(envelope.recipients().get(0).address().external()).append(">; ").append(date);
        } else {
            b.append(";\n\t").append(date);
        }
        return b.toString();
    }

    /** Postfix's pickup form for mail submitted on this host. */
    static String receivedLocal(Envelope envelope, QueueId id, String myhostname, String mailName, String date) {
        return "Received: by " + myhostname + " (" + mailName + ", from userid " + envelope.client().saslUsername()
                + ")\n\tid " + id + "; " + date;
    }

    static String messageId(Instant arrival, QueueId id, String myhostname) {
        return "Message-ID: <" + MESSAGE_ID_STAMP.format(arrival) + "." + id + "@" + myhostname + ">";
    }

    static String date(String date) {
        return "Date: " + date;
    }

    static String from(MailAddress address) {
        return "From: " + address.external();
    }

    /** With XFORWARD, Postfix names the host that connected, then the original queue ID and client. */
    static String logClient(QueueId id, ClientInfo client) {
        boolean forwarded = client.connectedClient() != null;
        String line = id + ": client=" + (forwarded ? client.connectedClient() : client.nameAndAddress());
        if (client.saslMethod() != null) {
            line += ", sasl_method=" + client.saslMethod();
        }
        if (client.saslUsername() != null) {
            line += ", sasl_username=" + client.saslUsername();
        }
        if (client.originalQueueId() != null) {
            line += ", orig_queue_id=" + client.originalQueueId();
        }
        return forwarded ? line + ", orig_client=" + client.nameAndAddress() : line;
    }

    /** Postfix logs the header's value as it stands, angle brackets included, and {@code <>} without one. */
    static String logMessageId(QueueId id, String messageId) {
        return id + ": message-id=" + (messageId == null || messageId.isEmpty() ? "<>" : messageId);
    }

    /** Postfix's reply to a message over hopcount_limit. */
    static final String TOO_MANY_HOPS = "Error: too many hops";

    static String logTooManyHops(QueueId id, int received, int limit) {
        return id.value() + ": reject: too many hops: " + received + " Received headers, hopcount_limit = " + limit
                + "; a mail loop?";
    }

    // Automatic BCC recipients (always_bcc, sender_bcc_maps, recipient_bcc_maps).

    static String badAlwaysBcc(String value) {
        return "always_bcc = " + value + " is not one address: specify one address, such as archive@example.com";
    }

    /** A table value that cannot be the one BCC address Postfix takes from it: no copy, and why. */
    static String logBadBcc(String parameter, String key, String value) {
        return parameter + ": no BCC recipient for " + key + ": \"" + value
                + "\" is not one address (multiple results are not supported)";
    }

    // Email authentication (DKIM signing, DMARC).

    static String dkimSigningFailed(String domain, String selector, String problem) {
        return "DKIM signing with " + selector + "._domainkey." + domain + " failed: " + problem;
    }

    /** Logged for every checked message, like OpenDKIM's and OpenDMARC's summary lines. */
    static String logAuthentication(QueueId id, String results) {
        return id.value() + ": " + results.replace("\r\n\t", " ").replace("Authentication-Results: ", "authentication-results=");
    }

    static String logDmarcAction(QueueId id, String action, String domain) {
        return id.value() + ": dmarc " + action + ": policy of " + domain
                + (action.equals("quarantine") ? "; message held" : "");
    }

    static String dmarcReportsWithoutChecks() {
        return "dmarc_report_enable = yes records nothing while authentication_results = no: DMARC reports cover"
                + " checked mail only; set authentication_results = yes";
    }

    // Header and body checks (header_checks(5)), in cleanup's words.

    /** Postfix's CLEANUP_STAT_CONT text, the reply to REJECT without text: 550 5.7.1 message content rejected. */
    static final String CONTENT_REJECTED = "message content rejected";

    /**
     * cleanup_act_log: {@code ID: reject: header Subject: x from host[addr]; from=<a> to=<b> proto=ESMTP
     * helo=<h>: 5.7.1 text}. The matched text is cut at 200 characters and its newlines and other
     * controls shown as {@code ?}, as Postfix's logger does; a local submission is {@code from local}
     * without proto and helo.
     */
    static String logCheckAction(QueueId id, String action, String where, String content, Envelope envelope,
                                 String text) {
        ClientInfo client = envelope.client();
        boolean local = client.isLocalSubmission();
        String shown = content.length() > 200 ? content.substring(0, 200) : content;
        StringBuilder b = new StringBuilder().append(id.value()).append(": ").append(action).append(": ")
                .append(where).append(' ').append(printable(shown)).append(" from ")
                .append(local ? "local" : client.nameAndAddress()).append(';')
                .append(" from=<").append(envelope.sender().external()).append('>');
        if (!envelope.recipients().isEmpty()) {
            // cleanup's state->recip: the last recipient it read.
            b.append(" to=<").append(lastRecipient(envelope)).append('>');
        }
        if (!local && client.protocol() != null) {
            // The session's protocol as smtpd logs it: ESMTP, not the Received header's ESMTPSA (RFC 3848).
            b.append(" proto=").append(client.protocol().startsWith("ESMTP") ? "ESMTP" : client.protocol());
        }
        if (!local && client.helo() != null && !client.helo().isEmpty()) {
            b.append(" helo=<").append(client.helo()).append('>');
        }
        if (text != null && !text.isEmpty()) {
            b.append(": ").append(text);
        }
        return b.toString();
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.appendCodePoint(c < 32 || c == 127 ? '?' : c));
        return b.toString();
    }

    static String actionWithoutText(String action, String mapClass) {
        return action + " action without text in " + mapClass + " map";
    }

    static String badHeaderText(String action, String text, String mapClass) {
        return "bad " + action + " header text \"" + text + "\" in " + mapClass
                + " map -- need \"headername: headervalue\"";
    }

    /** A milter changed headers or the body without asking for those actions; the message had gone on already. */
    static String milterContentEditsDropped(QueueId id) {
        return id.value() + ": milter header or body edit dropped: the milter did not ask for that action"
                + " (SMFIF_ADDHDRS, SMFIF_CHGHDRS, SMFIF_CHGBODY) in negotiation";
    }

    /** header_body_checks.c's word for an action its caller does not know (milter_header_checks). */
    static String unsupportedCommand(String mapClass, String value) {
        return "unsupported command in " + mapClass + " map: " + value;
    }

    static final String MILTER_PREPEND_NOT_IMPLEMENTED = "the milter_header/body_checks prepend action is not implemented";

    static String unknownCommand(String mapClass, String value) {
        return "unknown command in " + mapClass + " map: " + value;
    }

    static String badFilter(String text, String mapClass) {
        return text.isEmpty() ? "missing FILTER command argument in " + mapClass + " map"
                : "bad FILTER command " + text + " in " + mapClass + " -- need transport:destination";
    }

    static String badAddress(String action, String text, String mapClass) {
        return action.equals("BCC")
                ? "bad BCC address \"" + text + "\" in " + mapClass + " map -- need user@domain"
                : "bad REDIRECT target \"" + text + "\" in " + mapClass + " map -- need user@domain";
    }

    /** mime_state.c's error texts, each refused with 550 5.6.0. */
    enum MimeError {
        NESTING("MIME nesting exceeds safety limit"),
        HEADER_8BIT("improper use of 8-bit data in message header"),
        BODY_8BIT("improper use of 8-bit data in message body"),
        ENCODING_DOMAIN("invalid message/* or multipart/* encoding domain");

        final String text;

        MimeError(String text) {
            this.text = text;
        }
    }

    /** cleanup_mime_error_callback: {@code ID: reject: mime-error TEXT: CONTEXT from host[addr]; from=<a> to=<b>}. */
    static String logMimeError(QueueId id, MimeError error, String context, Envelope envelope) {
        ClientInfo client = envelope.client();
        String shown = context.length() > 100 ? context.substring(0, 100) : context;
        return id.value() + ": reject: mime-error " + error.text + ": " + printable(shown) + " from "
                + (client.isLocalSubmission() ? "local" : client.nameAndAddress()) + "; from=<"
                + envelope.sender().external() + "> to=<"
                + (envelope.recipients().isEmpty() ? "unknown" : lastRecipient(envelope)) + ">";
    }

    private static String lastRecipient(Envelope envelope) {
        return envelope.recipients().get(envelope.recipients().size() - 1).address().external();
    }
}
