package org.bulwark.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.mail.QueueId;
import org.bulwark.queue.MailQueue;
import org.bulwark.queue.QueueName;

/**
 * The queue operations behind postqueue and postsuper, done on the queue directory itself with
 * the queue's atomic moves, so they work with the server up or down: a running queue manager
 * notices a message moved into active/ within a second, and a message it is delivering that is
 * deleted or held simply ends its pass.
 */
final class QueueTools {

    /** The queues postsuper works on by default, in Postfix's order. */
    static final List<QueueName> ALL_QUEUES = List.of(QueueName.HOLD, QueueName.INCOMING, QueueName.ACTIVE,
            QueueName.DEFERRED);

    private final MailQueue queue;

    private QueueTools(MailQueue queue) {
        this.queue = queue;
    }

    static QueueTools open(Config config) throws IOException {
        Path directory = Path.of(config.get("queue_directory"));
        if (!Files.isDirectory(directory)) {
            throw new NoSuchFileException(directory.toString(), null, MailqFormat.NO_QUEUE_DIRECTORY);
        }
        return new QueueTools(MailQueue.open(directory));
    }

    /** The maillog for the tools' lines; with no log file (standard output) the lines are dropped, not mixed into the output. */
    static MailLog log(Config config) throws IOException {
        String file = config.get("maillog_file").trim();
        if (file.isEmpty() || file.equals("-")) {
            return MailLog.to(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), config.get("myhostname"),
                    config.get("syslog_name"));
        }
        return MailLog.open(file, config.get("myhostname"), config.get("syslog_name"));
    }

    MailQueue queue() {
        return queue;
    }

    static QueueName queueNamed(String name) {
        for (QueueName q : QueueName.values()) {
            if (q.directoryName().equals(name.toLowerCase(Locale.ROOT))) {
                return q;
            }
        }
        throw new IllegalArgumentException(QueueToolTexts.unknownQueue(name));
    }

    /** The messages an argument names: {@code ALL} in the queues, or one ID wherever it is among them. */
    List<Located> select(String argument, List<QueueName> queues, String tool) throws IOException {
        List<Located> out = new ArrayList<>();
        if (argument.equals("ALL")) {
            for (QueueName q : queues) {
                for (QueueId id : queue.list(q)) {
                    out.add(new Located(id, q));
                }
            }
            return out;
        }
        if (!QueueId.isValid(argument)) {
            throw new IllegalArgumentException(QueueToolTexts.badQueueId(tool, argument));
        }
        QueueId id = new QueueId(argument);
        for (QueueName q : queues) {
            if (Files.exists(queue.path(q, id))) {
                out.add(new Located(id, q));
            }
        }
        return out;
    }

    record Located(QueueId id, QueueName queue) {
    }

    /** Deletes a message and its delay-warning mark; false if it was gone already. */
    boolean delete(Located m) throws IOException {
        try {
            queue.remove(m.queue(), m.id());
        } catch (NoSuchFileException e) {
            return false;
        }
        Files.deleteIfExists(queue.directory().resolve("warned").resolve(m.id().value()));
        return true;
    }

    /** Moves a message; false if it moved or vanished meanwhile. */
    boolean move(Located m, QueueName to) throws IOException {
        if (m.queue() == to) {
            return false;
        }
        try {
            queue.move(m.id(), m.queue(), to);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    Optional<QueueName> find(QueueId id) {
        return queue.find(id);
    }
}
