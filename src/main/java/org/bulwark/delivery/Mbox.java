package org.bulwark.delivery;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import org.bulwark.mail.MailAddress;
import org.bulwark.queue.QueuedMessage;

/**
 * Appends messages to mbox files (a {@code From } line before each, {@code >From } quoting), under
 * an fcntl lock so mail readers and other deliveries never see half a message. A failed append
 * is cut off again, as Postfix does, so the mailbox is never left with a torn message.
 */
public final class Mbox {

    /** fcntl locks belong to the process, so deliveries inside it also need a lock of their own. */
    private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private static final int DOTLOCK_ATTEMPTS = 20;
    private static final Duration DOTLOCK_DELAY = Duration.ofSeconds(1);
    private static final Duration STALE_LOCK_TIME = Duration.ofSeconds(500);

    private final long sizeLimit;

    /** @param sizeLimit the largest a mailbox may grow to in bytes ({@code mailbox_size_limit}); 0: no limit */
    public Mbox(long sizeLimit) {
        this.sizeLimit = sizeLimit;
    }

    public void deliver(Path file, QueuedMessage message, MailAddress recipient, Owner owner) throws DeliveryFailure {
        Path key = file.toAbsolutePath().normalize();
        ReentrantLock lock = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        try {
            Path dotlock = key.resolveSibling(key.getFileName() + ".lock");
            boolean locked = dotlock(dotlock);
            try {
                append(key, message, recipient, owner);
            } finally {
                if (locked) {
                    deleteQuietly(dotlock);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The {@code file.lock} convention mail readers on a spool directory still honour (Postfix's
     * mailbox_delivery_lock = fcntl, dotlock on Linux): a few attempts a second apart, and a lock
     * older than stale_lock_time (500s) is taken to be left over from a crash. Where the directory
     * is not writable, fcntl alone must do, as in Postfix.
     *
     * @return whether a lock file was made (and must be removed)
     */
    private static boolean dotlock(Path lockFile) throws DeliveryFailure {
        for (int attempt = 0; attempt < DOTLOCK_ATTEMPTS; attempt++) {
            try {
                Files.createFile(lockFile);
                return true;
            } catch (java.nio.file.FileAlreadyExistsException busy) {
                try {
                    Instant modified = Files.getLastModifiedTime(lockFile, LinkOption.NOFOLLOW_LINKS).toInstant();
                    if (modified.isBefore(Instant.now().minus(STALE_LOCK_TIME))) {
                        deleteQuietly(lockFile);
                        continue;
                    }
                    Thread.sleep(DOTLOCK_DELAY);
                } catch (IOException gone) {
                    // Released between our attempts: try again at once.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            } catch (java.nio.file.AccessDeniedException notOurDirectory) {
                return false;
            } catch (IOException e) {
                return false;
            }
        }
        throw DeliveryFailure.temporary("4.2.0", DeliveryTexts.mailboxLocked(lockFile.toString()));
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A lock file we cannot remove ages into a stale one.
        }
    }

    private void append(Path file, QueuedMessage message, MailAddress recipient, Owner owner) throws DeliveryFailure {
        boolean created = !Files.exists(file, LinkOption.NOFOLLOW_LINKS);
        // Never through a symbolic link, never into a hard link of some other file (Postfix's
        // safe_open); and only where the owner could write itself.
        try (FileChannel channel = FileChannel.open(file,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            if (created) {
                owner.apply(file);
            }
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                    || ((Integer) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS)) != 1
                    || !owner.mayWrite(file)) {
                throw new DeliveryFailure("5.2.0", DeliveryTexts.unsafeMailbox(file.toString()));
            }
            try (FileLock ignored = channel.lock()) {
                long start = channel.size();
                if (sizeLimit > 0 && start + message.contentSize() > sizeLimit) {
                    throw new DeliveryFailure("5.2.2", DeliveryTexts.mailboxTooLarge(file.toString()));
                }
                channel.position(start);
                try {
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 65536);
                    MessageCopy.write(message, recipient, MessageCopy.Format.MBOX, out);
                    channel.force(true);
                } catch (IOException e) {
                    channel.truncate(start);
                    throw e;
                }
            }
        } catch (IOException e) {
            String reason = Directories.describe(e);
            String dsn = reason.contains("No space left") ? "4.3.0" : "4.2.0";
            throw DeliveryFailure.temporary(dsn, DeliveryTexts.mailboxFailed(reason));
        }
    }
}
