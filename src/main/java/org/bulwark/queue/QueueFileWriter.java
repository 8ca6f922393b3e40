package org.bulwark.queue;

import java.io.IOException;
import java.io.OutputStream;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.QueueId;

/**
 * A queue file being written in {@code incoming/}. Its content is streamed to disk as it arrives;
 * {@link #commit()} makes it durable and visible to the queue manager, {@link #abort()} removes it.
 */
public interface QueueFileWriter extends AutoCloseable {

    QueueId id();

    /** Where the message content goes, LF line endings. Closed by commit or abort. */
    OutputStream content();

    /**
     * Flushes, moves the file to {@code active/}, fsyncs it and {@code active/}. When this returns
     * the message is safe: only then may a 250 be sent.
     */
    void commit() throws IOException;

    /**
     * Makes {@link #commit()} put the message in {@code hold/} instead of {@code active/}: it is
     * kept, durably, but not delivered until the administrator releases it ({@code postsuper -H}).
     */
    void holdOnCommit();

    /**
     * As {@link #holdOnCommit()}, with the reason (a milter's quarantine) kept in the file's retry
     * state, where {@code mailq} and {@code postcat} show it until the message is tried again.
     */
    default void holdOnCommit(String reason) {
        holdOnCommit();
    }

    /**
     * Makes {@link #commit()} write this envelope in place of the one the file was created with
     * (header_checks FILTER, REDIRECT and BCC decide it only after the content): the content is
     * copied once behind the new envelope, in {@code incoming/}, before the usual commit.
     */
    void replaceEnvelope(Envelope envelope);

    /** Removes the unfinished file; safe to call after a failed commit, and more than once. */
    void abort();

    /** Aborts unless committed. */
    @Override
    void close();
}
