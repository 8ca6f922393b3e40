package org.bulwark.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.QueueId;

/**
 * A queue file as read by {@link MailQueue#read}. It remembers where its in-place fields are, so
 * {@link MailQueue#markDone} and {@link MailQueue#defer} write without parsing again, and it
 * follows its own moves between queues.
 */
final class QueueFile implements QueuedMessage {

    private final MailQueue owner;
    private final QueueId id;
    private final Envelope envelope;
    private final long[] statusOffsets;
    private final long contentStart;
    private final long contentLength;
    private final long fileSize;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile QueueName queue;
    private volatile List<RecipientState> recipients;
    private volatile QueueFileFormat.DeferState state;
    /**
     * A small file's content as read with its envelope, so that its delivery opens no file; it
     * never changes once committed. Soft: a long active queue gives the memory back.
     */
    private final java.lang.ref.SoftReference<byte[]> smallFile;

    QueueFile(MailQueue owner, QueueId id, QueueName queue, QueueFileFormat.Parsed parsed) {
        this.owner = owner;
        this.id = id;
        this.queue = queue;
        this.envelope = parsed.envelope();
        this.statusOffsets = parsed.statusOffsets();
        this.contentStart = parsed.contentStart();
        this.contentLength = parsed.contentLength();
        this.fileSize = parsed.fileSize();
        this.state = parsed.state();
        this.smallFile = parsed.wholeFile() == null ? null : new java.lang.ref.SoftReference<>(parsed.wholeFile());
        List<RecipientState> list = new ArrayList<>();
        for (int i = 0; i < parsed.done().length; i++) {
            list.add(new RecipientState(i, envelope.recipients().get(i), parsed.done()[i]));
        }
        this.recipients = List.copyOf(list);
    }

    MailQueue owner() {
        return owner;
    }

    @Override
    public QueueId id() {
        return id;
    }

    @Override
    public QueueName queue() {
        return queue;
    }

    void movedTo(QueueName to) {
        queue = to;
    }

    @Override
    public Envelope envelope() {
        return envelope;
    }

    @Override
    public List<RecipientState> recipients() {
        return recipients;
    }

    long statusOffset(int index) {
        return statusOffsets[index];
    }

    void markedDone(int index) {
        lock.lock();
        try {
            List<RecipientState> list = new ArrayList<>(recipients);
            RecipientState old = list.get(index);
            list.set(index, new RecipientState(index, old.recipient(), true));
            recipients = List.copyOf(list);
        } finally {
            lock.unlock();
        }
    }

    ReentrantLock lock() {
        return lock;
    }

    QueueFileFormat.DeferState state() {
        return state;
    }

    void deferred(QueueFileFormat.DeferState next) {
        state = next;
    }

    /** Opens the content where the file is now; the file may have moved since it was read. */
    InputStream openContent(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        channel.position(contentStart);
        return new LimitedInputStream(Channels.newInputStream(channel), contentLength);
    }

    @Override
    public InputStream openContent() throws IOException {
        byte[] file = smallFile == null ? null : smallFile.get();
        if (file != null) {
            return new java.io.ByteArrayInputStream(file, (int) contentStart, (int) contentLength);
        }
        return owner.openContent(this);
    }

    /** The file's length: it never changes once committed (done marks and retry slots are written in place). */
    long fileSize() {
        return fileSize;
    }

    @Override
    public long contentSize() {
        return contentLength;
    }

    @Override
    public int attempts() {
        return state.attempts();
    }

    @Override
    public Instant nextAttempt() {
        return state.nextAttempt();
    }

    @Override
    public String deferReason() {
        return state.reason();
    }
}
