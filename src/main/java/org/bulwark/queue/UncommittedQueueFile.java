package org.bulwark.queue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.QueueId;

/**
 * A queue file being written, in incoming/ or (a kept file reused) in spent/: the envelope goes
 * first, the content is streamed through a small buffer, and commit appends the end marker with
 * the checksum, renames into active/ and fsyncs the file and active/.
 */
final class UncommittedQueueFile implements QueueFileWriter {

    /** Most mail is a few KiB: a larger buffer costs more to allocate and clear than it saves in writes. */
    private static final int BUFFER = 16 * 1024;

    private final MailQueue queue;
    private final QueueId id;
    private final Path file;
    private final FileChannel channel;
    private final ContentStream content;
    private final FileBuffer buffered;
    /** Of the envelope and the content as they are written; see {@link QueueFileFormat.Checksum}. */
    private QueueFileFormat.Checksum checksum;
    /** A spent file reused: longer than this message may be, so commit cuts it to length. */
    private final boolean reused;
    /** The reused file's length when known, else -1 (then asked at commit). */
    private final long reusedSize;
    /** Where the content starts: the length of the envelope written at create. */
    private final long contentStart;
    /** An envelope to write in place of the first one at commit, or null. */
    private Envelope replacement;
    private boolean hold;
    /** Why the message is held, for mailq and postcat; or null. */
    private String holdReason;
    private boolean committed;
    private boolean finished;

    /**
     * The envelope starts the buffer the content goes through: a small message reaches the file in
     * one write at commit, envelope, content and end marker together.
     */
    UncommittedQueueFile(MailQueue queue, QueueId id, Path file, FileChannel channel, boolean reused, long reusedSize,
            byte[] envelope) throws IOException {
        this.queue = queue;
        this.contentStart = envelope.length;
        this.id = id;
        this.file = file;
        this.channel = channel;
        this.reused = reused;
        this.reusedSize = reusedSize;
        this.buffered = new FileBuffer(channel, BUFFER);
        this.content = new ContentStream(buffered);
        this.checksum = new QueueFileFormat.Checksum(id);
        checksum.update(envelope, QueueFileFormat.CHECKED_FROM, envelope.length - QueueFileFormat.CHECKED_FROM);
        buffered.write(envelope); // written at once only when larger than the buffer
    }

    @Override
    public QueueId id() {
        return id;
    }

    @Override
    public OutputStream content() {
        return content;
    }

    /** Bytes of content written so far. */
    long contentSize() {
        return content.count;
    }

    @Override
    public void commit() throws IOException {
        if (committed) {
            return;
        }
        if (finished) {
            throw new IOException(id + ": queue file was aborted");
        }
        QueueName target = hold ? QueueName.HOLD : QueueName.ACTIVE;
        Path active = queue.path(target, id);
        boolean rewritten = false;
        boolean syncFirst = false;
        // The file exactly as on disk, when it went there in one write from the buffer; else null.
        byte[] wholeFile = null;
        try {
            if (replacement != null) {
                content.out.flush();
                rewriteEnvelope();
                rewritten = true;
            }
            byte[] trailer = QueueFileFormat.trailer(content.count, checksum);
            if (rewritten) {
                write(trailer);
            } else {
                content.out.write(trailer);
                if (!hold) {
                    wholeFile = buffered.wholeFile();
                }
                content.out.flush();
            }
            if (holdReason != null) {
                // The reason goes in the retry slot in use (sequence 1), in place: same length.
                channel.write(ByteBuffer.wrap(QueueFileFormat.slot(
                        new QueueFileFormat.DeferState(1, 0, java.time.Instant.EPOCH, holdReason))),
                        QueueFileFormat.SLOT_OFFSETS[1]);
            }
            if (rewritten) {
                channel.truncate(channel.position());
            } else if (reused) {
                // Counted rather than asked for (position() and size() are system calls), and cut
                // only when the older message was longer.
                long length = contentStart + content.count + trailer.length;
                if ((reusedSize >= 0 ? reusedSize : channel.size()) > length) {
                    channel.truncate(length);
                }
            }
            // A reused file still holds an older message on disk until its sync. Into active/ it is
            // renamed first all the same, as a new file is: a crash before the sync can leave
            // there the older message, whole or in part, under the new name, and recovery's
            // checksum check sends it to corrupt/ (the end marker's checksum covers the queue ID).
            // hold/ is not checked at recovery, so a reused file for it is synced first.
            syncFirst = hold && (reused || rewritten);
            if (syncFirst) {
                channel.force(true);
            }
            // Renamed before it is synced: the file's fsync then makes the new name durable too
            // (a journalling file system commits both in one transaction; ext4 without a journal
            // writes the new entry's directory with the file), and the directory fsync that
            // follows finds little left to do: measured here, a commit of 0.27 ms instead of 0.40.
            // Still no 250 before both syncs. A crash in between leaves in active/ a message that
            // was never acknowledged: complete, it is delivered (the client sends it again, at
            // most a duplicate); torn or another message's bytes, the checks of its end marker
            // send it to corrupt/.
            if (!hold) {
                queue.expectArrival(id, wholeFile);
            }
            move(file, active);
        } catch (IOException | RuntimeException e) {
            queue.arrivalFailed(id);
            abort();
            throw e;
        }
        finished = true;
        try {
            if (!syncFirst) {
                channel.force(true);
            }
            channel.close();
            if (hold) {
                queue.syncDirectory(QueueName.HOLD);
            } else {
                queue.publish(id);
            }
            committed = true;
        } catch (IOException | RuntimeException e) {
            queue.arrivalFailed(id);
            try {
                channel.close();
            } catch (IOException ignored) {
                // Removing the file is what matters now.
            }
            try {
                Files.deleteIfExists(active);
            } catch (IOException ignored) {
                // Not acknowledged either way; at worst it is delivered once more than asked.
            }
            throw e;
        }
    }

    /**
     * Copies the content aside, writes the new envelope from the start of the file and the content
     * behind it. The file is unacknowledged (in incoming/ or spent/): a crash here loses nothing promised.
     */
    private void rewriteEnvelope() throws IOException {
        Path copy = Files.createTempFile(file.getParent(), id.value(), ".content");
        try {
            try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ);
                 FileChannel target = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                transfer(source, contentStart, content.count, target);
            }
            channel.truncate(0);
            channel.position(0);
            write(QueueFileFormat.envelope(replacement).bytes());
            try (FileChannel source = FileChannel.open(copy, StandardOpenOption.READ)) {
                transfer(source, 0, content.count, channel);
            }
            // The checksum over the new envelope and the content as the file now holds them.
            checksum = new QueueFileFormat.Checksum(id);
            try (FileChannel written = FileChannel.open(file, StandardOpenOption.READ)) {
                checksum.update(written, QueueFileFormat.CHECKED_FROM, channel.position());
            }
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    private static void transfer(FileChannel source, long position, long count, FileChannel target) throws IOException {
        long done = 0;
        while (done < count) {
            long n = source.transferTo(position + done, count - done, target);
            if (n <= 0) {
                throw new IOException("queue file ended before its content");
            }
            done += n;
        }
    }

    @Override
    public void holdOnCommit(String reason) {
        holdOnCommit();
        holdReason = reason;
    }

    @Override
    public void replaceEnvelope(Envelope envelope) {
        replacement = envelope;
    }

    private void write(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    @Override
    public void holdOnCommit() {
        hold = true;
    }

    @Override
    public void abort() {
        if (committed) {
            return;
        }
        finished = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // The file is removed next; a close failure changes nothing.
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // recover() empties incoming/ and spent/ at the next start.
        }
    }

    @Override
    public void close() {
        abort();
    }

    /** Counts bytes and refuses writes once the file is finished; its close() is only a flush. */
    private final class ContentStream extends OutputStream {
        private final OutputStream out;
        private long count;

        ContentStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            checkOpen();
            out.write(b);
            checksum.update(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            checkOpen();
            out.write(b, off, len);
            checksum.update(b, off, len);
            count += len;
        }

        /**
         * Nothing reaches the disk sooner for it (commit makes the file durable), so what is
         * buffered stays: commit writes it with the end marker, a small message in one write.
         */
        @Override
        public void flush() throws IOException {
            checkOpen();
        }

        /** Nothing to do: commit writes what is buffered, with the end marker, in one write. */
        @Override
        public void close() {
        }

        private void checkOpen() throws IOException {
            if (finished) {
                throw new IOException(id + ": queue file is closed");
            }
        }
    }

    static void move(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }
}
