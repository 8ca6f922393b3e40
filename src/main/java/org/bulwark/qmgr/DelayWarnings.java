package org.bulwark.qmgr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.bulwark.mail.QueueId;
import org.bulwark.queue.QueuedMessage;

/**
 * Remembers which messages have had their delay warning, so a sender is warned once when the
 * message has waited {@code delay_warning_time}: an empty file per queue ID in
 * {@code queue_directory/warned/}, removed with the message. A crash between the warning and the
 * mark may warn twice; it never skips one.
 */
final class DelayWarnings {

    private final Path directory;
    private final Duration after;

    DelayWarnings(Path queueDirectory, Duration after) {
        this.directory = queueDirectory.resolve("warned");
        this.after = after;
    }

    boolean due(QueuedMessage message, Instant now) {
        return !after.isZero() && !after.isNegative()
                && !now.isBefore(message.envelope().arrival().plus(after))
                && !Files.exists(directory.resolve(message.id().value()));
    }

    void mark(QueueId id) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(id.value());
        if (!Files.exists(file)) {
            Files.createFile(file);
        }
    }

    void forget(QueueId id) {
        if (after.isZero() || after.isNegative()) {
            return; // warnings are off: there are no marks, and a failed unlink per message costs an exception
        }
        try {
            Files.deleteIfExists(directory.resolve(id.value()));
        } catch (IOException e) {
            // A stale mark only suppresses the warning of a message with the same ID, which cannot recur soon.
        }
    }
}
