package org.bulwark.queue;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.QueueId;

/**
 * A message read back from its queue file: envelope, recipients with their done marks, and access
 * to the content, which is never loaded whole into memory.
 */
public interface QueuedMessage {

    QueueId id();

    QueueName queue();

    Envelope envelope();

    List<RecipientState> recipients();

    /** The message content (headers and body) with LF line endings, as cleanup wrote it. */
    InputStream openContent() throws IOException;

    /** Content size in bytes, as {@code size=} in the log and {@code mailq} show it. */
    long contentSize();

    /** Delivery attempts made so far. */
    int attempts();

    /** When the queue manager may try it next (deferred messages). */
    Instant nextAttempt();

    /** The last temporary failure's reason, for mailq; {@code null} if none. */
    String deferReason();
}
