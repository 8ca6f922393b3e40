package org.bulwark.cleanup;

import java.io.IOException;
import java.io.OutputStream;
import org.bulwark.mail.QueueId;

/**
 * One message on its way into the queue. The caller writes the content exactly as received (after
 * SMTP dot-unstuffing; CRLF or LF line ends) to {@link #content()}; cleanup prepends the Received
 * header, adds Message-ID and Date where missing (local submissions and mynetworks clients) and
 * streams it to the queue file.
 */
public interface CleanupSession extends AutoCloseable {

    QueueId queueId();

    OutputStream content();

    /**
     * Finishes the headers, makes the queue file durable and logs {@code message-id=<...>}; the
     * queue manager logs {@code from=<...>, size=N, nrcpt=N (queue active)} when it takes the
     * message, as Postfix's does. Only after this returns may the client be told 250.
     */
    QueueId commit() throws IOException;

    /**
     * What the milters decided at {@link #commit()} when the message was opened with milters and
     * they did not refuse it (a refusal throws {@link MessageRejectedException}); null otherwise.
     */
    default MilterOutcome milterOutcome() {
        return null;
    }

    /** Commit into the hold queue instead of the active queue (an access table's HOLD action). */
    void hold();

    /**
     * The envelope the message is committed with instead of the one it was opened with: the
     * recipients and content filter that smtpd_end_of_data_restrictions' REDIRECT, BCC and FILTER
     * actions leave. The milters' changes at commit apply to it.
     */
    void reroute(org.bulwark.mail.Envelope envelope);

    /** Throws the message away (client went away, size exceeded, rejected at end of data). */
    void abort();

    /** Aborts unless committed. */
    @Override
    void close();
}
