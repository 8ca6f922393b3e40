package org.bulwark.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.bulwark.config.Config;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;
import org.bulwark.pickup.MaildropFile;
import org.bulwark.queue.CorruptQueueFileException;
import org.bulwark.queue.MailQueue;
import org.bulwark.queue.QueueName;
import org.bulwark.queue.QueuedMessage;
import org.bulwark.queue.RecipientState;

/**
 * Collects what mailq shows, straight from {@code queue_directory} so it works while the server
 * is down: maildrop, active, deferred and hold, in Postfix's order. incoming/ is left out: nothing
 * there is complete.
 */
final class MailqListing {

    private MailqListing() {
    }

    static int print(Config config, PrintWriter out) throws IOException {
        out.print(MailqFormat.format(entries(Path.of(config.get("queue_directory"))), ZoneId.systemDefault()));
        out.flush();
        return 0;
    }

    static List<MailqFormat.Entry> entries(Path queueDirectory) throws IOException {
        if (!Files.isDirectory(queueDirectory)) {
            // Reading must not create a queue: that is the server's job, with its ownership.
            throw new NoSuchFileException(queueDirectory.toString(), null, MailqFormat.NO_QUEUE_DIRECTORY);
        }
        List<MailqFormat.Entry> entries = new ArrayList<>(maildrop(queueDirectory.resolve("maildrop")));
        MailQueue queue = MailQueue.open(queueDirectory);
        queued(queue, QueueName.ACTIVE, '*', entries);
        queued(queue, QueueName.DEFERRED, ' ', entries);
        queued(queue, QueueName.HOLD, '!', entries);
        return entries;
    }

    private static void queued(MailQueue queue, QueueName name, char status, List<MailqFormat.Entry> entries)
            throws IOException {
        for (QueueId id : queue.list(name)) {
            QueuedMessage m;
            try {
                m = queue.read(name, id);
            } catch (NoSuchFileException | CorruptQueueFileException e) {
                continue; // delivered, moved or unreadable since the listing
            }
            List<String> recipients = new ArrayList<>();
            for (RecipientState r : m.recipients()) {
                if (!r.done()) {
                    recipients.add(r.recipient().address().external());
                }
            }
            entries.add(new MailqFormat.Entry(id.value(), status, m.contentSize(), m.envelope().arrival(),
                    m.envelope().sender().external(), m.deferReason(), recipients, null));
        }
    }

    private static List<MailqFormat.Entry> maildrop(Path maildrop) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(maildrop)) {
            return List.of();
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(maildrop)) {
            for (Path file : dir) {
                if (QueueId.isValid(file.getFileName().toString())) {
                    files.add(file);
                }
            }
        }
        files.sort(null);
        List<MailqFormat.Entry> entries = new ArrayList<>();
        for (Path file : files) {
            String id = file.getFileName().toString();
            try {
                long size = Files.size(file);
                var arrival = Files.getLastModifiedTime(file).toInstant();
                try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                    MaildropFile drop = MaildropFile.readFrom(in);
                    List<String> recipients = drop.recipients().stream()
                            .map(r -> MailAddress.of(r).external()).toList();
                    entries.add(new MailqFormat.Entry(id, ' ', size, arrival,
                            MailAddress.of(drop.sender()).external(), null, recipients, null));
                } catch (IOException e) {
                    if (e instanceof NoSuchFileException) {
                        continue;
                    }
                    entries.add(new MailqFormat.Entry(id, ' ', size, arrival, "", null, List.of(),
                            MaildropWriter.ownerUid(file)));
                }
            } catch (NoSuchFileException e) {
                // picked up meanwhile
            }
        }
        return entries;
    }
}
