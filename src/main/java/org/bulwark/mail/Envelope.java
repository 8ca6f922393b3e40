package org.bulwark.mail;

import java.time.Instant;
import java.util.List;

/**
 * What a message carries besides its content: sender, recipients, when and from whom it arrived,
 * and the ESMTP options that matter after acceptance ({@code BODY}, {@code RET}, {@code ENVID},
 * {@code SMTPUTF8}); {@code null} where absent.
 */
public record Envelope(
        MailAddress sender,
        List<Recipient> recipients,
        Instant arrival,
        ClientInfo client,
        String body,
        String ret,
        String envid,
        boolean smtputf8) {

    public Envelope {
        recipients = List.copyOf(recipients);
    }

    public static Envelope of(MailAddress sender, List<Recipient> recipients, ClientInfo client) {
        return new Envelope(sender, recipients, Instant.now(), client, null, null, null, false);
    }
}
