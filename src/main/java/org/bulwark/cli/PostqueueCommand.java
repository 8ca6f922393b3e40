package org.bulwark.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigLoader;
import org.bulwark.mail.QueueId;
import org.bulwark.queue.CorruptQueueFileException;
import org.bulwark.queue.QueueName;
import org.bulwark.queue.QueuedMessage;
import org.bulwark.queue.RecipientState;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bulwark postqueue}: {@code -p} lists the queue as mailq does, {@code -j} as JSON lines
 * (Postfix 3.1's format), {@code -f} flushes (every deferred message is tried now), {@code -s site}
 * flushes the mail for one domain, {@code -i ID} one message.
 */
@Command(name = "postqueue", description = "List or flush the mail queue.")
final class PostqueueCommand implements Callable<Integer> {

    @Mixin
    ConfigDirectory configDirectory;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "-p", description = "list the queue (as mailq)")
    boolean print;

    @Option(names = "-j", description = "list the queue as JSON, one message per line")
    boolean json;

    @Option(names = "-f", description = "deliver all deferred mail now")
    boolean flush;

    @Option(names = "-s", paramLabel = "SITE", description = "deliver the deferred mail for this domain now")
    String site;

    @Option(names = "-i", paramLabel = "ID", description = "deliver this deferred message now")
    String id;

    @Override
    public Integer call() throws Exception {
        int actions = (print ? 1 : 0) + (json ? 1 : 0) + (flush ? 1 : 0) + (site != null ? 1 : 0) + (id != null ? 1 : 0);
        if (actions != 1) {
            throw new IllegalArgumentException(QueueToolTexts.needsOneAction("postqueue"));
        }
        Config config = ConfigLoader.load(configDirectory.resolve()).main();
        PrintWriter out = spec.commandLine().getOut();
        if (print) {
            return MailqListing.print(config, out);
        }
        QueueTools tools = QueueTools.open(config);
        if (json) {
            for (QueueName q : List.of(QueueName.ACTIVE, QueueName.DEFERRED, QueueName.HOLD)) {
                for (QueueId qid : tools.queue().list(q)) {
                    QueuedMessage m = read(tools, q, qid);
                    if (m != null) {
                        out.println(QueueJson.line(q, m));
                    }
                }
            }
            out.flush();
            return 0;
        }
        if (id != null) {
            List<QueueTools.Located> found = tools.select(id, List.of(QueueName.DEFERRED), "postqueue");
            if (found.isEmpty()) {
                spec.commandLine().getErr().println(QueueToolTexts.noSuchMessage("postqueue", id));
                spec.commandLine().getErr().flush();
                return 69; // EX_UNAVAILABLE, as postqueue -i exits for an unknown ID
            }
            tools.move(found.get(0), QueueName.ACTIVE);
            return 0;
        }
        String domain = site == null ? null : site.toLowerCase(Locale.ROOT);
        for (QueueId qid : tools.queue().list(QueueName.DEFERRED)) {
            if (domain != null) {
                QueuedMessage m = read(tools, QueueName.DEFERRED, qid);
                if (m == null || !hasRecipientAt(m, domain)) {
                    continue;
                }
            }
            tools.move(new QueueTools.Located(qid, QueueName.DEFERRED), QueueName.ACTIVE);
        }
        return 0;
    }

    private static boolean hasRecipientAt(QueuedMessage m, String domain) {
        for (RecipientState r : m.recipients()) {
            if (!r.done() && domain.equals(r.recipient().address().domainKey())) {
                return true;
            }
        }
        return false;
    }

    private static QueuedMessage read(QueueTools tools, QueueName q, QueueId id) throws IOException {
        try {
            return tools.queue().read(q, id);
        } catch (java.nio.file.NoSuchFileException | CorruptQueueFileException e) {
            return null; // delivered or moved since the listing
        }
    }
}
