package org.bulwark.smtpd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bulwark.cleanup.CleanupSession;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;
import org.bulwark.mail.Recipient;
import org.bulwark.protocol.ContentSink;
import org.bulwark.protocol.MailParameters;
import org.bulwark.restrict.MessageAction;

/**
 * One mail transaction (RFC 5321 §3.3): from MAIL to the end of DATA/BDAT, RSET or a failure.
 * It collects the recipients and what the restrictions asked of the message, and once content
 * starts, holds the queue file being written.
 */
final class Transaction {

    /** Postfix stamps a message's arrival at MAIL FROM. */
    private final Instant arrival = Instant.now();
    private final MailAddress sender;
    private final MailAddress givenSender;
    private final MailParameters parameters;
    private final List<Recipient> recipients = new ArrayList<>();
    private int overshoot;
    /** Header lines from PREPEND actions, once each, put at the top of the message's headers. */
    private final List<String> prepended = new ArrayList<>();
    /** HOLD: the message goes to the hold queue. */
    private boolean hold;
    /** DISCARD: the client is told the message was queued, and it is dropped. */
    private boolean discard;
    /** REDIRECT: the one address the message goes to instead of its recipients, or null. */
    private MailAddress redirect;
    /** BCC: addresses that also get the message. */
    private final List<MailAddress> bcc = new ArrayList<>();
    /** FILTER: the content filter ({@code transport:nexthop}) that replaces content_filter, or null. */
    private String filter;
    /** Set once BDAT has started the content (RFC 3030 §2 forbids mixing it with DATA). */
    private boolean chunking;
    private CleanupSession message;
    private ContentSink content;

    Transaction(MailAddress sender, MailAddress givenSender, MailParameters parameters) {
        this.sender = sender;
        this.givenSender = givenSender;
        this.parameters = parameters;
    }

    /** The sender with {@code @$myorigin} appended where the client left the domain out. */
    MailAddress sender() {
        return sender;
    }

    /** The sender as the client wrote it: what restrictions, replies and reject lines show. */
    MailAddress givenSender() {
        return givenSender;
    }

    MailParameters parameters() {
        return parameters;
    }

    void recipientAccepted(Recipient recipient) {
        recipients.add(recipient);
    }

    int recipientCount() {
        return recipients.size();
    }

    MailAddress firstRecipient() {
        return recipients.isEmpty() ? null : recipients.get(0).address();
    }

    /**
     * A RCPT over smtpd_recipient_limit: whether it is still forgiven, as Postfix forgives a few
     * before it counts them as errors.
     */
    boolean overshootForgiven(int limit) {
        return overshoot++ < limit;
    }

    /** Carries out what the restrictions asked of the message (access(5) actions, in order). */
    void apply(List<MessageAction> actions) {
        for (MessageAction action : actions) {
            switch (action) {
                case MessageAction.Prepend p -> {
                    if (!prepended.contains(p.header())) {
                        prepended.add(p.header());
                    }
                }
                case MessageAction.Hold h -> hold = true;
                case MessageAction.Discard d -> discard = true;
                case MessageAction.Redirect r -> redirect = r.address();
                case MessageAction.Bcc b -> {
                    if (!bcc.contains(b.address())) {
                        bcc.add(b.address());
                    }
                }
                // access(5): when several FILTER actions fire, the last one wins.
                case MessageAction.Filter f -> filter = f.transportAndNexthop();
            }
        }
    }

    /**
     * smtpd_end_of_data_restrictions' actions, with the content already in the queue file: HOLD
     * and DISCARD as at the other stages, REDIRECT, BCC and FILTER as a new envelope for cleanup.
     * PREPEND comes too late for the headers, and Postfix ignores it there too: the returned list
     * holds those headers, for a warning.
     */
    List<String> applyAfterContent(List<MessageAction> actions, ClientInfo client, String contentFilter) {
        List<String> late = actions.stream().filter(a -> a instanceof MessageAction.Prepend)
                .map(a -> ((MessageAction.Prepend) a).header()).toList();
        List<MessageAction> done = actions.stream().filter(a -> !(a instanceof MessageAction.Prepend)).toList();
        apply(done);
        if (hold) {
            message.hold();
        }
        if (done.stream().anyMatch(a -> a instanceof MessageAction.Redirect || a instanceof MessageAction.Bcc
                || a instanceof MessageAction.Filter)) {
            message.reroute(envelope(client, contentFilter));
        }
        return late;
    }

    /** DISCARD was asked for: the message is answered as queued and dropped. */
    boolean discarded() {
        return discard;
    }

    /**
     * The envelope the queue file gets: recipients after REDIRECT and BCC (access(5)), and a
     * FILTER action in place of this service's content_filter (FILTER_README).
     */
    Envelope envelope(ClientInfo client, String contentFilter) {
        MailParameters p = parameters;
        return new Envelope(sender, envelopeRecipients(), arrival, client, p.body(), p.ret(), p.envid(), p.smtputf8(),
                filter != null ? filter : contentFilter);
    }

    private List<Recipient> envelopeRecipients() {
        List<Recipient> result = new ArrayList<>();
        if (redirect != null) {
            result.add(Recipient.of(redirect));
        } else {
            result.addAll(recipients);
        }
        for (MailAddress extra : bcc) {
            if (result.stream().noneMatch(r -> r.address().equals(extra))) {
                // As Postfix's smtpd hands a BCC action's address to cleanup: no delivery status notice (NOTIFY=NEVER).
                result.add(new Recipient(extra, null, "NEVER"));
            }
        }
        return result;
    }

    /**
     * The content goes into this queue file from now on: HOLD marks it, PREPEND headers go first.
     * Throws what writing them throws; the caller then ends the transaction.
     */
    void contentStarted(CleanupSession opened, long sizeLimit) throws IOException {
        message = opened;
        if (hold) {
            message.hold();
        }
        for (String header : prepended) {
            message.content().write((header + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        content = new ContentSink(message.content(), sizeLimit);
    }

    /** Where the content goes; null before DATA or the first BDAT. */
    ContentSink content() {
        return content;
    }

    /** The queue file being written; null before the content starts. */
    CleanupSession message() {
        return message;
    }

    /** The queue ID once the content has started, for log lines; null before. */
    QueueId queueId() {
        return message == null ? null : message.queueId();
    }

    boolean chunking() {
        return chunking;
    }

    /** The first BDAT: from now on DATA is out of order (RFC 3030 §2). */
    void chunkingStarted() {
        chunking = true;
    }

    /** The queue file was committed; nothing is left to abort. */
    void committed() {
        message = null;
        content = null;
    }

    /** Throws away the queue file, if one was started. */
    void abort() {
        if (message != null) {
            try {
                message.abort();
            } finally {
                message = null;
                content = null;
            }
        }
    }
}
