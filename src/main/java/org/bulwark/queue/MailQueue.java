package org.bulwark.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.QueueId;
import org.bulwark.util.GroupFsync;
import org.bulwark.util.Unlink;

/**
 * The queue directory ({@code queue_directory}): incoming, active, deferred, hold, corrupt and
 * maildrop. All moves are renames followed by directory fsyncs. Thread-safe.
 */
public final class MailQueue implements AutoCloseable {

    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final String MAILDROP = "maildrop";
    private static final String SPENT = "spent";
    /** How long the removal of a finished message may wait for a directory fsync it can share. */
    private volatile Duration doneSyncDelay = Duration.ofMillis(50);

    private final Path directory;
    private final Map<QueueName, Path> paths = new EnumMap<>(QueueName.class);
    private final Map<QueueName, GroupFsync> syncs = new EnumMap<>(QueueName.class);
    private final SpentFiles spent;
    /** Shared by every queue in this process, so two instances on one directory never draw the same ID. */
    private static final QueueIds IDS = new QueueIds();
    private final JustCommitted justCommitted = new JustCommitted();
    /** Messages a delivery pass holds; see {@link #claim}. */
    private final Set<QueueId> claims = ConcurrentHashMap.newKeySet();
    private final QueueNames names = new QueueNames();
    private final List<Consumer<QueueId>> arrivalListeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock arrivalLock = new ReentrantLock();
    private final Condition arrived = arrivalLock.newCondition();
    private long arrivals;

    private MailQueue(Path directory) {
        this.directory = directory;
        for (QueueName name : QueueName.values()) {
            Path path = directory.resolve(name.directoryName());
            paths.put(name, path);
            syncs.put(name, GroupFsync.keepingOpen(path));
        }
        spent = new SpentFiles(directory.resolve(SPENT));
    }

    /** Opens (creating where missing, mode 0700) the queue directory tree. */
    public static MailQueue open(Path queueDirectory) throws IOException {
        MailQueue queue = new MailQueue(queueDirectory);
        Files.createDirectories(queueDirectory);
        List<Path> directories = new ArrayList<>(queue.paths.values());
        directories.add(queueDirectory.resolve(MAILDROP));
        directories.add(queue.spent.directory());
        for (Path dir : directories) {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, DIRECTORY_MODE);
            }
        }
        return queue;
    }

    public Path directory() {
        return directory;
    }

    /** Where the sendmail command leaves messages for pickup. */
    public Path maildrop() {
        return directory.resolve(MAILDROP);
    }

    /** One of the queue directories. */
    Path directory(QueueName queue) {
        return paths.get(queue);
    }

    /**
     * From now on, a new queue ID is looked up in the other queue directories only when a file
     * there may bear it (see {@link QueueNames}); the server calls this once, after
     * {@link #recover()}, and {@link #close()} ends it.
     */
    public void watchNames() throws IOException {
        names.watch(this);
    }

    QueueNames names() {
        return names;
    }

    /** Stops what {@link #watchNames()} started; the queue stays usable, looking every new ID up. */
    @Override
    public void close() {
        names.close();
    }

    /** The file that holds a message in a queue (whether or not it exists). */
    public Path path(QueueName queue, QueueId id) {
        return paths.get(queue).resolve(id.value());
    }

    /** The queue that holds a message now, searching active, deferred, hold, incoming, corrupt in that order. */
    public Optional<QueueName> find(QueueId id) {
        for (QueueName q : List.of(QueueName.ACTIVE, QueueName.DEFERRED, QueueName.HOLD, QueueName.INCOMING,
                QueueName.CORRUPT)) {
            if (Files.exists(path(q, id))) {
                return Optional.of(q);
            }
        }
        return Optional.empty();
    }

    /**
     * Starts a new queue file with a fresh, unique queue ID: a kept spent file when there is one,
     * else a new file in incoming/. The envelope goes first in its content's buffer.
     */
    public QueueFileWriter create(Envelope envelope) throws IOException {
        QueueFileFormat.EnvelopeSection section = QueueFileFormat.envelope(envelope);
        while (true) {
            QueueId id = IDS.next();
            if (names.mayExist(id) && existsOutsideIncoming(id)) {
                continue; // another process's message from an earlier cycle of the ID clock still waits
            }
            SpentFiles.Taken taken = spent.take();
            Path file = taken != null ? taken.file() : path(QueueName.INCOMING, id);
            FileChannel channel;
            try {
                channel = taken != null ? taken.channel()
                        : FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), FILE_MODE);
            } catch (FileAlreadyExistsException exists) {
                continue;
            }
            try {
                return new UncommittedQueueFile(this, id, file, channel, taken != null, taken != null ? taken.size() : -1,
                        section.bytes());
            } catch (IOException | RuntimeException e) {
                channel.close();
                Files.deleteIfExists(file);
                throw e;
            }
        }
    }

    private boolean existsOutsideIncoming(QueueId id) {
        for (QueueName q : QueueName.values()) {
            if (q != QueueName.INCOMING && Files.exists(path(q, id))) {
                return true;
            }
        }
        return false;
    }

    /** Makes the names in one queue directory durable (a shared fsync with concurrent callers). */
    void syncDirectory(QueueName queue) throws IOException {
        syncs.get(queue).sync();
    }

    /**
     * Called by a committing writer just before it renames its file into active/: keeps the
     * file's bytes, exactly as written, for the queue manager's first read. Kept before the file
     * can be seen there, because a queue manager listing active/ may deliver and remove the
     * message before the commit returns; its changes then drop this copy, which, kept after them,
     * would give the message out again as undelivered.
     *
     * @param wholeFile the file's bytes when the writer had them all in memory (a small message), or null
     */
    void expectArrival(QueueId id, byte[] wholeFile) {
        if (wholeFile != null && wholeFile.length <= QueueFileFormat.SMALL_FILE) {
            try {
                justCommitted.keep(id, new QueueFile(this, id, QueueName.ACTIVE, QueueFileFormat.parse(wholeFile, id)));
            } catch (IOException | IllegalArgumentException | IndexOutOfBoundsException | java.time.DateTimeException e) {
                // Never expected of what this process just wrote; the queue manager reads the file.
            }
        }
    }

    /** Drops what {@link #expectArrival} kept, for a commit that failed. */
    void arrivalFailed(QueueId id) {
        justCommitted.forget(id);
    }

    /**
     * Called by a committing writer once its file is in active/ and fsynced: makes the name
     * durable and tells the queue manager. Only the new name must be durable. Should a crash
     * bring the old name in incoming/ back as well, recover() removes that name and the message
     * stays in active/; so incoming/ is not synced.
     */
    void publish(QueueId id) throws IOException {
        syncs.get(QueueName.ACTIVE).sync();
        arrivalLock.lock();
        try {
            arrivals++;
            arrived.signalAll();
        } finally {
            arrivalLock.unlock();
        }
        announce(id);
    }

    private void announce(QueueId id) {
        for (Consumer<QueueId> listener : arrivalListeners) {
            try {
                listener.accept(id);
            } catch (RuntimeException e) {
                // The message is safe in active/; a listener's failure must not make the
                // caller report a failed commit, which would invite a duplicate submission.
            }
        }
    }

    /**
     * Claims a message for one delivery pass: false while another pass holds it. Passes of every
     * queue manager of this queue claim here, so that a manager started by a reload does not
     * deliver what its stopped predecessor is still delivering (a delivery that outlives the
     * stop's grace ends only when its agent returns).
     */
    public boolean claim(QueueId id) {
        return claims.add(id);
    }

    /**
     * Ends a pass's claim. {@code offerAgain} tells the arrival listeners of a message the pass left
     * in active/: a stopped manager's pass does so, as its successor passed the message over.
     */
    public void release(QueueId id, boolean offerAgain) {
        claims.remove(id);
        if (offerAgain && Files.exists(path(QueueName.ACTIVE, id))) {
            announce(id);
        }
    }

    /** Calls the listener with each message's ID after its commit has made it durable in active/. */
    public void onArrival(Consumer<QueueId> listener) {
        arrivalListeners.add(listener);
    }

    /** Stops calling a listener given to {@link #onArrival}. */
    public void removeArrivalListener(Consumer<QueueId> listener) {
        arrivalListeners.remove(listener);
    }

    /** How many messages have arrived through this queue since it was opened; see {@link #awaitArrival}. */
    public long arrivalCount() {
        arrivalLock.lock();
        try {
            return arrivals;
        } finally {
            arrivalLock.unlock();
        }
    }

    /**
     * Waits until the arrival count exceeds {@code seen} (an earlier {@link #arrivalCount()}) or
     * the timeout passes. Reading the count before scanning and passing it here means an arrival
     * during the scan is never missed. Returns whether something arrived.
     */
    public boolean awaitArrival(long seen, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        arrivalLock.lock();
        try {
            while (arrivals <= seen) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = arrived.awaitNanos(nanos);
            }
            return true;
        } finally {
            arrivalLock.unlock();
        }
    }

    /** The IDs in a queue, oldest first. */
    public List<QueueId> list(QueueName queue) throws IOException {
        List<QueueId> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(paths.get(queue))) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (QueueId.isValid(name)) {
                    out.add(new QueueId(name));
                    names.seen(name);
                }
            }
        }
        // IDs are arrival times in hex of one width, so their order is arrival order.
        out.sort((a, b) -> a.value().compareTo(b.value()));
        return out;
    }

    /**
     * Reads a queue file. An unreadable file is moved to corrupt/ (logged by the caller) and
     * {@link CorruptQueueFileException} is thrown; in incoming/ it is left where it is.
     */
    public QueuedMessage read(QueueName queue, QueueId id) throws IOException {
        return read(queue, id, false);
    }

    /** @param verify whether to read a large file's content too, to check its checksum (a small file's always is) */
    private QueuedMessage read(QueueName queue, QueueId id, boolean verify) throws IOException {
        Path file = path(queue, id);
        QueueFileFormat.Parsed parsed;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            parsed = QueueFileFormat.parse(channel, id);
            if (verify) {
                QueueFileFormat.verify(channel, parsed, id);
            }
        } catch (IllegalArgumentException | IndexOutOfBoundsException | java.time.DateTimeException e) {
            if (queue != QueueName.INCOMING) {
                // A file in incoming/ may simply be unfinished; recover() deals with leftovers.
                quarantine(queue, id);
            }
            throw new CorruptQueueFileException(QueueTexts.corrupt(id, e.getMessage()));
        }
        return new QueueFile(this, id, queue, parsed);
    }

    /**
     * The queue manager's read of a message in active/: a small one committed by this process
     * moments ago comes as its writer had it in memory, the very bytes the file holds, and the
     * file is not read back (open, fstat, read, close); anything else as {@link #read}.
     */
    public QueuedMessage readActive(QueueId id) throws IOException {
        QueueFile fresh = justCommitted.take(id);
        return fresh != null ? fresh : read(QueueName.ACTIVE, id);
    }

    private void quarantine(QueueName queue, QueueId id) throws IOException {
        move(id, queue, QueueName.CORRUPT);
    }

    InputStream openContent(QueueFile message) throws IOException {
        return message.openContent(locate(message));
    }

    /** Where a message's file is now: where it was read, or wherever it has moved since. */
    private Path locate(QueuedMessage message) throws IOException {
        Path expected = path(message.queue(), message.id());
        if (Files.exists(expected)) {
            return expected;
        }
        for (QueueName q : QueueName.values()) {
            Path candidate = path(q, message.id());
            if (q != QueueName.INCOMING && Files.exists(candidate)) {
                if (message instanceof QueueFile file) {
                    file.movedTo(q);
                }
                return candidate;
            }
        }
        throw new NoSuchFileException(expected.toString());
    }

    private QueueFile own(QueuedMessage message) throws IOException {
        if (message instanceof QueueFile file && file.owner() == this) {
            return file;
        }
        return (QueueFile) read(message.queue(), message.id());
    }

    /** Durably marks one recipient done (sent or bounced) before anything else happens to it. */
    public void markDone(QueuedMessage message, int recipientIndex) throws IOException {
        justCommitted.forget(message.id());
        QueueFile file = own(message);
        Path path = locate(file);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            // One byte at a fixed offset: the write is all or nothing, and force makes it durable.
            channel.write(ByteBuffer.wrap(new byte[] {QueueFileFormat.DONE}), file.statusOffset(recipientIndex));
            channel.force(false);
        }
        file.markedDone(recipientIndex);
        if (file != message && message instanceof QueueFile original) {
            original.markedDone(recipientIndex);
        }
    }

    /**
     * Records a failed attempt: increments the attempt count, stores the reason and the next
     * attempt time, and moves the file to deferred/.
     */
    public void defer(QueuedMessage message, Instant nextAttempt, String reason) throws IOException {
        justCommitted.forget(message.id());
        QueueFile file = own(message);
        file.lock().lock();
        try {
            Path path = locate(file);
            QueueFileFormat.DeferState next = file.state().next(nextAttempt, reason);
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                // The older of the two slots is overwritten, so a torn write leaves the newer intact.
                channel.write(ByteBuffer.wrap(QueueFileFormat.slot(next)), next.slotOffset());
                channel.force(false);
            }
            file.deferred(next);
            if (file.queue() != QueueName.DEFERRED) {
                move(file.id(), file.queue(), QueueName.DEFERRED);
                file.movedTo(QueueName.DEFERRED);
            }
        } finally {
            file.lock().unlock();
        }
        if (file != message && message instanceof QueueFile original) {
            original.deferred(file.state());
            original.movedTo(QueueName.DEFERRED);
        }
    }

    /** Moves a file between queues (deferred→active when due, hold, release). */
    public void move(QueueId id, QueueName from, QueueName to) throws IOException {
        justCommitted.forget(id);
        if (from == to) {
            return;
        }
        Files.move(path(from, id), path(to, id), StandardCopyOption.ATOMIC_MOVE);
        syncs.get(to).sync();
        syncs.get(from).sync();
    }

    /**
     * Removes a message durably (postsuper -d: a deleted message must not come back). In the
     * server the file is kept in spent/ for reuse (see {@link SpentFiles}); either way its name is
     * gone from the queue. The directory fsync is shared with concurrent moves and removals.
     */
    public void remove(QueueName queue, QueueId id) throws IOException {
        unlink(queue, id, -1);
        syncs.get(queue).sync();
    }

    /**
     * Removes a message whose every recipient is done, without waiting for the directory's
     * fsync: the next commit's fsync of that directory covers the removal, or one within
     * 50 ms. Should the machine crash before, the message comes back and is
     * delivered again: a duplicate, never a loss. A removed file is reused only after that fsync.
     */
    public void removeDone(QueueName queue, QueueId id) throws IOException {
        unlink(queue, id, -1);
        syncs.get(queue).syncSoon(doneSyncDelay);
    }

    /** As {@link #removeDone(QueueName, QueueId)}; a message read by this queue knows its file's length, which a reuse of the file needs. */
    public void removeDone(QueueName queue, QueuedMessage message) throws IOException {
        unlink(queue, message.id(), message instanceof QueueFile file && file.owner() == this ? file.fileSize() : -1);
        syncs.get(queue).syncSoon(doneSyncDelay);
    }

    /** Another wait for {@link #removeDone}'s fsync (tests use a long one to see the order of events). */
    void doneSyncDelay(Duration delay) {
        doneSyncDelay = delay;
    }

    /** @param size the file's length when known, else -1 */
    private void unlink(QueueName queue, QueueId id, long size) throws IOException {
        justCommitted.forget(id);
        Path file = path(queue, id);
        if (!spent.retire(file, syncs.get(queue), size)) {
            Unlink.file(file);
        }
    }

    /**
     * Startup recovery: removes files left in incoming/ (never acknowledged) and spent/, leaves
     * active/ to be rescheduled, moves unreadable files to corrupt/. Returns what it did, for the log.
     * The files in active/ are checked whole, checksum and all: a commit renames a file there
     * before its fsync, so a crash can leave one with other bytes than its own. A file reaches
     * deferred/ only after an fsync of its data (see {@link #defer}).
     */
    public List<String> recover() throws IOException {
        spent.reset();
        List<String> lines = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(paths.get(QueueName.INCOMING))) {
            for (Path file : files) {
                Files.deleteIfExists(file);
                lines.add(QueueTexts.removedIncoming(file.getFileName().toString()));
            }
        }
        syncs.get(QueueName.INCOMING).sync();
        for (QueueName queue : List.of(QueueName.ACTIVE, QueueName.DEFERRED)) {
            for (QueueId id : list(queue)) {
                try {
                    read(queue, id, queue == QueueName.ACTIVE);
                } catch (CorruptQueueFileException e) {
                    lines.add(QueueTexts.movedToCorrupt(queue, e.getMessage()));
                } catch (NoSuchFileException gone) {
                    // Removed while we looked: nothing to recover.
                }
            }
        }
        return lines;
    }
}
