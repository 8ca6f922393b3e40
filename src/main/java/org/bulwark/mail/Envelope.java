package org.bulwark.mail;

import java.time.Instant;
import java.util.List;

/**
 * What a message carries besides its content: sender, recipients, when and from whom it arrived,
 * the ESMTP options that matter after acceptance ({@code BODY}, {@code RET}, {@code ENVID},
 * {@code SMTPUTF8}) and the content filter it must pass through ({@code transport:nexthop}, from
 * {@code content_filter} or an access(5) FILTER action); {@code null} where absent.
 */
public record Envelope(
        MailAddress sender,
        List<Recipient> recipients,
        Instant arrival,
        ClientInfo client,
        String body,
        String ret,
        String envid,
        boolean smtputf8,
        String filter) {

    public Envelope {
        recipients = List.copyOf(recipients);
        filter = filter == null || filter.isBlank() ? null : filter.strip();
    }

    /** An envelope that no content filter sees. */
    public Envelope(MailAddress sender, List<Recipient> recipients, Instant arrival, ClientInfo client, String body,
            String ret, String envid, boolean smtputf8) {
        this(sender, recipients, arrival, client, body, ret, envid, smtputf8, null);
    }

    public static Envelope of(MailAddress sender, List<Recipient> recipients, ClientInfo client) {
        return new Envelope(sender, recipients, Instant.now(), client, null, null, null, false);
    }

    /** The same envelope, sent through {@code transportAndNexthop} after it is queued (null: none). */
    public Envelope withFilter(String transportAndNexthop) {
        return new Envelope(sender, recipients, arrival, client, body, ret, envid, smtputf8, transportAndNexthop);
    }
}
