package org.bulwark.queue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.QueueId;

/**
 * The queue directory ({@code queue_directory}): incoming, active, deferred, hold, corrupt and
 * maildrop. All moves are renames followed by directory fsyncs. Thread-safe.
 */
public final class MailQueue {

    /** Opens (creating where missing, mode 0700) the queue directory tree. */
    public static MailQueue open(Path queueDirectory) throws IOException {
        throw new UnsupportedOperationException("not built yet");
    }

    public Path directory() {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Where the sendmail command leaves messages for pickup. */
    public Path maildrop() {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Starts a new queue file in incoming/ with a fresh, unique queue ID and the envelope written. */
    public QueueFileWriter create(Envelope envelope) throws IOException {
        throw new UnsupportedOperationException("not built yet");
    }

    /** The IDs in a queue, oldest first. */
    public List<QueueId> list(QueueName queue) throws IOException {
        throw new UnsupportedOperationException("not built yet");
    }

    /**
     * Reads a queue file. An unreadable file is moved to corrupt/ (logged by the caller) and
     * {@link CorruptQueueFileException} is thrown.
     */
    public QueuedMessage read(QueueName queue, QueueId id) throws IOException {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Durably marks one recipient done (sent or bounced) before anything else happens to it. */
    public void markDone(QueuedMessage message, int recipientIndex) throws IOException {
        throw new UnsupportedOperationException("not built yet");
    }

    /**
     * Records a failed attempt: increments the attempt count, stores the reason and the next
     * attempt time, and moves the file to deferred/.
     */
    public void defer(QueuedMessage message, Instant nextAttempt, String reason) throws IOException {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Moves a file between queues (deferred→active when due, hold, release). */
    public void move(QueueId id, QueueName from, QueueName to) throws IOException {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Removes a finished message. */
    public void remove(QueueName queue, QueueId id) throws IOException {
        throw new UnsupportedOperationException("not built yet");
    }

    /**
     * Startup recovery: removes files left in incoming/ (never acknowledged), leaves active/ to be
     * rescheduled, moves unreadable files to corrupt/. Returns what it did, for the log.
     */
    public List<String> recover() throws IOException {
        throw new UnsupportedOperationException("not built yet");
    }
}
