package org.bulwark.smtpd;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bulwark.cleanup.CleanupSession;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.Recipient;
import org.bulwark.protocol.ContentSink;
import org.bulwark.protocol.MailParameters;
import org.bulwark.restrict.MessageAction;

/** One mail transaction (RFC 5321 §3.3): from MAIL to the end of DATA/BDAT, RSET or a failure. */
final class Transaction {

    /** Postfix stamps a message's arrival at MAIL FROM. */
    final Instant arrival = Instant.now();
    /** The sender with {@code @$myorigin} appended where the client left the domain out. */
    final MailAddress sender;
    /** The sender as the client wrote it: what restrictions, replies and reject lines show. */
    final MailAddress givenSender;
    final MailParameters parameters;
    final List<Recipient> recipients = new ArrayList<>();
    int overshoot;
    /** Header lines from PREPEND actions, once each, put at the top of the message's headers. */
    final List<String> prepended = new ArrayList<>();
    /** HOLD: the message goes to the hold queue. */
    boolean hold;
    /** DISCARD: the client is told the message was queued, and it is dropped. */
    boolean discard;
    /** REDIRECT: the one address the message goes to instead of its recipients, or null. */
    MailAddress redirect;
    /** BCC: addresses that also get the message. */
    final List<MailAddress> bcc = new ArrayList<>();
    /** FILTER: the content filter ({@code transport:nexthop}) that replaces content_filter, or null. */
    String filter;
    /** Set once BDAT has started the content (RFC 3030 §2 forbids mixing it with DATA). */
    boolean chunking;
    CleanupSession message;
    ContentSink content;

    Transaction(MailAddress sender, MailAddress givenSender, MailParameters parameters) {
        this.sender = sender;
        this.givenSender = givenSender;
        this.parameters = parameters;
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

    /** The envelope recipients after REDIRECT and BCC actions (access(5)). */
    List<Recipient> envelopeRecipients() {
        List<Recipient> result = new ArrayList<>();
        if (redirect != null) {
            result.add(Recipient.of(redirect));
        } else {
            result.addAll(recipients);
        }
        for (MailAddress extra : bcc) {
            if (result.stream().noneMatch(r -> r.address().equals(extra))) {
                result.add(Recipient.of(extra));
            }
        }
        return result;
    }

    MailAddress firstRecipient() {
        return recipients.isEmpty() ? null : recipients.get(0).address();
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
