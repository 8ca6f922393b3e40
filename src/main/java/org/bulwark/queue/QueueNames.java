package org.bulwark.queue;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bulwark.mail.QueueId;

/**
 * What the server knows of the queue IDs in its queue directories, so that a new ID need not be
 * looked up in four of them (four system calls a message) when no file there can bear it.
 *
 * <p>This process draws IDs that only grow ({@link QueueIds}); a file it did not write (one an
 * earlier run left, or one moved in from another node, as README's "moving its queue" does) can
 * bear a drawn ID only if its own ID is at least as high: an earlier run's with a clock set back
 * since, another node's with a clock ahead. So the highest ID in deferred/, hold/, corrupt/ and
 * active/ is tracked: read at start, then told by the kernel (inotify) as names appear in the first
 * three, into which such files come, and from the queue manager's listings of active/ (a file
 * reaches active/ from deferred/ or hold/, or by hand, which is not how a queue is moved). A new ID
 * above it is taken without a look. Until watching starts (and in every other process) and after
 * a lost event, every new ID is looked up, as before. A file that appears between its arrival
 * and the moment it is told is a window of microseconds, against the seconds between the look
 * and the commit that the lookup alone always had.
 */
final class QueueNames implements AutoCloseable {

    /** The form of the IDs this process draws; other names never equal one. */
    private static final int ID_LENGTH = 12;
    private static final List<QueueName> WATCHED = List.of(QueueName.DEFERRED, QueueName.HOLD, QueueName.CORRUPT);

    /** The highest 12-digit ID seen in a queue directory, or -1. */
    private final AtomicLong highest = new AtomicLong(-1);
    private volatile boolean watching;
    private WatchService watcher;

    /** Notes a file name seen in a queue directory. */
    void seen(String name) {
        if (name.length() != ID_LENGTH || !QueueId.isValid(name)) {
            return;
        }
        long value = Long.parseLong(name, 16);
        highest.accumulateAndGet(value, Math::max);
    }

    /** Whether a file outside incoming/ may bear this newly drawn ID, so that it must be looked up. */
    boolean mayExist(QueueId id) {
        return !watching || Long.parseLong(id.value(), 16) <= highest.get();
    }

    /**
     * Starts watching the queue's deferred/, hold/ and corrupt/, then reads what they and active/
     * hold already (in that order, so nothing arrives unseen in between).
     */
    synchronized void watch(MailQueue queue) throws IOException {
        if (watcher != null) {
            return;
        }
        WatchService service = FileSystems.getDefault().newWatchService();
        try {
            for (QueueName name : WATCHED) {
                queue.directory(name).register(service,
                        StandardWatchEventKinds.ENTRY_CREATE);
            }
            rescan(queue);
        } catch (IOException | RuntimeException e) {
            service.close();
            throw e;
        }
        watcher = service;
        Thread.ofVirtual().name("queue-names").start(() -> follow(queue, service));
        watching = true;
    }

    private void rescan(MailQueue queue) throws IOException {
        for (QueueName name : List.of(QueueName.DEFERRED, QueueName.HOLD, QueueName.CORRUPT, QueueName.ACTIVE)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(queue.directory(name))) {
                for (Path file : files) {
                    seen(file.getFileName().toString());
                }
            }
        }
    }

    private void follow(MailQueue queue, WatchService service) {
        try {
            while (true) {
                WatchKey key = service.take();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        // Names went by untold: look up every new ID until the directories are read again.
                        watching = false;
                        try {
                            rescan(queue);
                            watching = true;
                        } catch (IOException e) {
                            // Left looking every ID up.
                        }
                    } else if (event.context() instanceof Path name) {
                        seen(name.toString());
                    }
                }
                if (!key.reset()) {
                    watching = false; // a directory is gone: look every ID up from now on
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // Closed: stopping.
        } finally {
            watching = false; // whatever ended the watch, every new ID is looked up from now on
        }
    }

    @Override
    public synchronized void close() {
        watching = false;
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException ignored) {
                // Stopping either way.
            }
            watcher = null;
        }
    }
}
