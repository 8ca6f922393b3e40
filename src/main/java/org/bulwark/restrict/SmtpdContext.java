package org.bulwark.restrict;

import java.net.InetAddress;
import org.bulwark.dns.ClientNames;
import org.bulwark.mail.MailAddress;
import org.bulwark.tls.ClientCertificate;
import org.bulwark.tls.TlsSummary;

/**
 * What restrictions may look at: a read-only snapshot of the SMTP session at the moment of the
 * check. Fields not yet known at a stage are {@code null} (e.g. {@code recipient} before RCPT).
 *
 * @param clientAddress    the client's IP address
 * @param clientName       verified client host name, or {@code unknown}
 * @param reverseName      the PTR name even if not forward-confirmed, or {@code unknown}
 * @param helo             HELO/EHLO argument, or {@code null} before HELO
 * @param sender           MAIL FROM address (myorigin appended if unqualified), or {@code null}
 * @param recipient        RCPT TO address being checked (myorigin appended likewise), or {@code null}
 * @param saslUsername     the authenticated SASL user, or {@code null}
 * @param protocol         {@code SMTP} or {@code ESMTP}
 * @param recipientCount   recipients accepted so far in this transaction
 * @param messageSize      SIZE= from MAIL FROM, or the actual size at end of data, or 0
 * @param pipelinedEarly   the client sent commands before our reply (for reject_unauth_pipelining)
 * @param nameStatus       whether {@code clientName} is known, or its absence final or temporary
 * @param reverseStatus    the same for {@code reverseName}
 * @param givenSender      the sender as the client wrote it, before myorigin was appended
 * @param givenRecipient   the recipient as the client wrote it
 * @param tls              what TLS agreed on, the client certificate included, or {@code null} in plaintext
 */
public record SmtpdContext(
        InetAddress clientAddress,
        String clientName,
        String reverseName,
        String helo,
        MailAddress sender,
        MailAddress recipient,
        String saslUsername,
        String protocol,
        int recipientCount,
        long messageSize,
        boolean pipelinedEarly,
        ClientNames.Status nameStatus,
        ClientNames.Status reverseStatus,
        MailAddress givenSender,
        MailAddress givenRecipient,
        TlsSummary tls) {

    /** A context whose name statuses follow from the names: {@code unknown} is a final absence. */
    public SmtpdContext(InetAddress clientAddress, String clientName, String reverseName, String helo,
            MailAddress sender, MailAddress recipient, String saslUsername, String protocol, int recipientCount,
            long messageSize, boolean pipelinedEarly) {
        this(clientAddress, clientName, reverseName, helo, sender, recipient, saslUsername, protocol, recipientCount,
                messageSize, pipelinedEarly, status(clientName), status(reverseName), sender, recipient, null);
    }

    /**
     * The same context knowing how the client wrote its addresses. Postfix's smtpd checks them as
     * given (reject_non_fqdn_sender refuses {@code <user>}, replies quote it), and only cleanup
     * appends {@code @$myorigin}; everything else here sees the qualified form.
     */
    public SmtpdContext withGivenAddresses(MailAddress sender, MailAddress recipient) {
        return new SmtpdContext(clientAddress, clientName, reverseName, helo, this.sender, this.recipient,
                saslUsername, protocol, recipientCount, messageSize, pipelinedEarly, nameStatus, reverseStatus,
                sender, recipient, tls);
    }

    /** The same context in a session encrypted as {@code summary} says (null: plaintext). */
    public SmtpdContext withTls(TlsSummary summary) {
        return new SmtpdContext(clientAddress, clientName, reverseName, helo, sender, recipient,
                saslUsername, protocol, recipientCount, messageSize, pipelinedEarly, nameStatus, reverseStatus,
                givenSender, givenRecipient, summary);
    }

    /** The client's certificate, or null when it sent none (or the session is not encrypted). */
    public ClientCertificate clientCertificate() {
        return tls == null ? null : tls.clientCertificate();
    }

    public boolean saslAuthenticated() {
        return saslUsername != null;
    }

    public SmtpdContext withRecipient(MailAddress newRecipient) {
        return new SmtpdContext(clientAddress, clientName, reverseName, helo, sender, newRecipient,
                saslUsername, protocol, recipientCount, messageSize, pipelinedEarly, nameStatus, reverseStatus,
                givenSender, newRecipient, tls);
    }

    /** The same context with the client's names as DNS gave them. */
    public SmtpdContext withClientNames(ClientNames names) {
        return new SmtpdContext(clientAddress, names.name(), names.reverseName(), helo, sender, recipient,
                saslUsername, protocol, recipientCount, messageSize, pipelinedEarly, names.nameStatus(),
                names.reverseStatus(), givenSender, givenRecipient, tls);
    }

    private static ClientNames.Status status(String name) {
        return name == null || name.equals(ClientNames.UNKNOWN) ? ClientNames.Status.PERMANENT : ClientNames.Status.OK;
    }
}
