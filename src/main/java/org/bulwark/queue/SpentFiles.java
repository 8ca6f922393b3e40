package org.bulwark.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bulwark.util.GroupFsync;

/**
 * Queue files of finished messages, kept for reuse as new queue files. On ext4 without a journal
 * every new file's inode allocation scans past the inodes freed in its block group in the last
 * minutes, so under load creating a queue file costs more CPU than anything else in its life; a
 * file renamed out of the way here, written anew in place and renamed into active/ needs no new
 * inode, and its blocks are overwritten in place. The directory is emptied at startup: nothing in
 * it was ever acknowledged (a file written here becomes a message when its commit moves it).
 */
final class SpentFiles {

    /** Enough for the files in flight between a removal and the next few arrivals. */
    private static final int LIMIT = 256;

    private final Path directory;
    private final ConcurrentLinkedQueue<Kept> files = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong names = new AtomicLong();
    private volatile boolean enabled;

    /**
     * A kept file, and the fsync that makes its old name's removal durable: a file is reused only
     * once that fsync is done, or a machine crash could bring the old name back on new content.
     */
    private record Kept(Path file, GroupFsync source, long ticket, long size) {
    }

    /** A kept file, its name, the file open for writing, and its length (-1 when not known). */
    record Taken(Path file, FileChannel channel, long size) {
    }

    SpentFiles(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    /** Removes what an earlier run left and starts keeping files; only the server calls this. */
    void reset() throws IOException {
        files.clear();
        count.set(0);
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(directory)) {
            for (Path file : leftovers) {
                Files.deleteIfExists(file);
            }
        }
        enabled = true;
    }

    /**
     * Moves a finished message's file here instead of removing it; false when the pool is full
     * (or not kept by this process), and the caller removes the file. Like a removal, the move
     * is durable only once the source directory is synced: {@code source} is that directory's fsync.
     */
    boolean retire(Path file, GroupFsync source, long size) throws IOException {
        if (!enabled || count.incrementAndGet() > LIMIT) {
            if (enabled) {
                count.decrementAndGet();
            }
            return false;
        }
        // Not a queue ID: nothing that lists a queue ever mistakes one of these for a message.
        Path spent = directory.resolve("spent-" + names.incrementAndGet());
        try {
            Files.move(file, spent, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            count.decrementAndGet();
            throw e;
        }
        files.add(new Kept(spent, source, source.ticket(), size));
        return true;
    }

    /**
     * Opens the oldest kept file for writing from the start, its old content still there to be
     * overwritten; null when none is kept. The file keeps its name in this directory while it is
     * written, where nothing takes it for a message, and its commit renames it into active/: one
     * rename in its life as a queue file, where a name in incoming/ first made two.
     */
    Taken take() throws IOException {
        Kept kept;
        while ((kept = files.peek()) != null && kept.source().covered(kept.ticket())) {
            if (!files.remove(kept)) {
                continue; // another writer took it
            }
            count.decrementAndGet();
            try {
                return new Taken(kept.file(), FileChannel.open(kept.file(), StandardOpenOption.WRITE), kept.size());
            } catch (NoSuchFileException gone) {
                continue; // removed by hand: take the next one
            }
        }
        return null;
    }
}
