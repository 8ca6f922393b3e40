package org.bulwark.queue;

import java.io.IOException;

/** A queue file that cannot be read; it has been moved to corrupt/. */
public final class CorruptQueueFileException extends IOException {
    public CorruptQueueFileException(String message) {
        super(message);
    }
}
