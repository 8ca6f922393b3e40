package org.bulwark.queue;

import java.util.concurrent.ConcurrentHashMap;
import org.bulwark.mail.QueueId;

/**
 * Small messages just committed to active/, parsed from the bytes their writer had in memory,
 * each given once to the queue manager's first read of it ({@link MailQueue#readActive}), which
 * comes at once after the arrival and would read back exactly those bytes (four system calls a
 * message). A change this process makes to the file drops the entry; one not taken within a few
 * seconds is dropped unused, so a file another process changed since (postsuper) is read from the
 * disk; and so is every entry when too many wait, with no queue manager taking them.
 */
final class JustCommitted {

    private static final int LIMIT = 256;
    private static final long FRESH_NANOS = 2_000_000_000L;

    private record Entry(QueueFile file, long committed) {
    }

    private final ConcurrentHashMap<QueueId, Entry> entries = new ConcurrentHashMap<>();

    void keep(QueueId id, QueueFile file) {
        if (entries.size() >= LIMIT) {
            entries.clear();
        }
        entries.put(id, new Entry(file, System.nanoTime()));
    }

    /** Drops the entry of a message whose file this process changes (a done mark, a move): it is stale now. */
    void forget(QueueId id) {
        if (!entries.isEmpty()) {
            entries.remove(id);
        }
    }

    /** The message as committed, once, if it was committed moments ago; else null. */
    QueueFile take(QueueId id) {
        if (entries.isEmpty()) {
            return null;
        }
        Entry entry = entries.remove(id);
        if (entry == null || System.nanoTime() - entry.committed() > FRESH_NANOS) {
            return null;
        }
        return entry.file();
    }
}
