package org.bulwark.smtpd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Postfix's queue_minfree check (smtpd_check_size): a MAIL FROM is answered 452 4.3.1 when the
 * queue file system has less usable space than queue_minfree plus the SIZE the client announced,
 * so the server refuses mail before the disk is full rather than failing in the middle of DATA.
 * It is asked for each MAIL FROM, so space that returns is used at once.
 */
record QueueSpace(Path queueDirectory, long minfree) {

    /** Usable bytes when there is not enough room for a message of {@code size}, else -1. */
    long shortfall(long size) {
        if (minfree <= 0 && size <= 0) {
            return -1;
        }
        long usable;
        try {
            usable = Files.getFileStore(queueDirectory).getUsableSpace();
        } catch (IOException e) {
            // An unreadable queue directory fails later, with the queue's own error.
            return -1;
        }
        return usable < minfree || usable - minfree < size ? usable : -1;
    }
}
