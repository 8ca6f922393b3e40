package org.bulwark.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bulwark.queue.MailQueue;
import org.bulwark.queue.QueueName;

/** The queue's health: its sizes, how long the oldest message has waited, and why mail is deferred. */
final class DoctorQueueCheck {

    private DoctorQueueCheck() {
    }

    static void queue(DoctorRun run) {
        Path directory = Path.of(run.config.get("queue_directory"));
        if (!Files.isDirectory(directory)) {
            // Opening would create it, owned by whoever runs doctor: leave that to the first start.
            run.add(DoctorTexts.queueName(), true, DoctorTexts.noQueueYet(directory), "");
            return;
        }
        try {
            MailQueue queue = MailQueue.open(directory);
            Instant oldest = null;
            StringBuilder sizes = new StringBuilder();
            Map<String, Integer> reasons = new TreeMap<>();
            for (QueueName name : List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED, QueueName.HOLD)) {
                var ids = queue.list(name);
                sizes.append(sizes.isEmpty() ? "" : ", ").append(name.directoryName()).append(' ').append(ids.size());
                for (var id : ids) {
                    Instant arrival = arrival(queue, name, id, reasons);
                    oldest = arrival != null && (oldest == null || arrival.isBefore(oldest)) ? arrival : oldest;
                }
            }
            Duration age = oldest == null ? Duration.ZERO : Duration.between(oldest, run.clock.instant());
            boolean healthy = age.compareTo(run.config.time("delay_warning_time").isZero()
                    ? Duration.ofHours(4) : run.config.time("delay_warning_time")) < 0;
            run.add(DoctorTexts.queueName(), healthy, DoctorTexts.queue(sizes.toString(), age, reasons), "");
        } catch (IOException e) {
            run.add(DoctorTexts.queueName(), false, e.getMessage(), "");
        }
    }

    /**
     * When a queued message arrived, counting a deferred one's reason into {@code reasons}; null for
     * a file that went away meanwhile. A file that cannot be read as a message (incoming/ holds
     * files being written) is dated by its modification time.
     */
    static Instant arrival(MailQueue queue, QueueName name, org.bulwark.mail.QueueId id,
            Map<String, Integer> reasons) throws IOException {
        Path file = queue.path(name, id);
        if (name != QueueName.INCOMING) {
            try {
                var message = queue.read(name, id);
                if (name == QueueName.DEFERRED) {
                    String reason = message.deferReason();
                    reasons.merge(reason == null || reason.isBlank() ? DoctorTexts.noReason() : reason, 1, Integer::sum);
                }
                return message.envelope().arrival();
            } catch (java.nio.file.NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                // A corrupt file: the queue manager moves it aside; date it by the file's own time.
            }
        }
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }
}
