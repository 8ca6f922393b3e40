package org.bulwark.smtpd;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bulwark.cleanup.CleanupSession;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.Recipient;
import org.bulwark.protocol.ContentSink;
import org.bulwark.protocol.MailParameters;

/** One mail transaction (RFC 5321 §3.3): from MAIL to the end of DATA/BDAT, RSET or a failure. */
final class Transaction {

    /** Postfix stamps a message's arrival at MAIL FROM. */
    final Instant arrival = Instant.now();
    final MailAddress sender;
    final MailParameters parameters;
    final List<Recipient> recipients = new ArrayList<>();
    int overshoot;
    /** Header lines from PREPEND actions, once each, put at the top of the message's headers. */
    final List<String> prepended = new ArrayList<>();
    /** Set once BDAT has started the content (RFC 3030 §2 forbids mixing it with DATA). */
    boolean chunking;
    CleanupSession message;
    ContentSink content;

    Transaction(MailAddress sender, MailParameters parameters) {
        this.sender = sender;
        this.parameters = parameters;
    }

    void prepend(String header) {
        if (!prepended.contains(header)) {
            prepended.add(header);
        }
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
