package org.bulwark.mail;

import java.time.Instant;
import java.util.List;

/**
 * What a message carries besides its content: sender, recipients, when and from whom it arrived,
 * the ESMTP options that matter after acceptance ({@code BODY}, {@code RET}, {@code ENVID},
 * {@code SMTPUTF8}) and the content filter it must pass through ({@code transport:nexthop}, from
 * {@code content_filter} or an access(5) FILTER action); {@code null} where absent. A {@code probe}
 * is an address verification probe (verify(8)): its recipients are only checked, never delivered,
 * deferred or bounced, and what the delivery agent found goes to the verify cache.
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
        String filter,
        boolean probe) {

    public Envelope {
        recipients = List.copyOf(recipients);
        filter = filter == null || filter.isBlank() ? null : filter.strip();
    }

    /** An envelope that is not a probe. */
    public Envelope(MailAddress sender, List<Recipient> recipients, Instant arrival, ClientInfo client, String body,
            String ret, String envid, boolean smtputf8, String filter) {
        this(sender, recipients, arrival, client, body, ret, envid, smtputf8, filter, false);
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
        return new Envelope(sender, recipients, arrival, client, body, ret, envid, smtputf8, transportAndNexthop, probe);
    }

    /** An address verification probe to {@code recipient}: checked by the delivery agents, never delivered. */
    public static Envelope probe(MailAddress sender, Recipient recipient, Instant arrival, ClientInfo client) {
        return new Envelope(sender, List.of(recipient), arrival, client, null, null, null, false, null, true);
    }
}
