package org.bulwark.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigLoader;
import org.bulwark.log.MailLog;
import org.bulwark.queue.QueueName;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bulwark postsuper}: Postfix's queue maintenance. {@code -d} deletes, {@code -h} holds,
 * {@code -H} releases held mail to deferred/, {@code -r} requeues into active/ for immediate
 * delivery; each takes a queue ID or {@code ALL}, optionally limited to one queue.
 */
@Command(name = "postsuper", description = "Delete, hold, release or requeue queued mail.")
final class PostsuperCommand implements Callable<Integer> {

    @Mixin
    ConfigDirectory configDirectory;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "-d", paramLabel = "ID", description = "delete the message (ALL: every message)")
    String delete;

    @Option(names = "-h", paramLabel = "ID", description = "put the message on hold (ALL: every message)")
    String hold;

    @Option(names = "-H", paramLabel = "ID", description = "release the message from hold (ALL: every held message)")
    String release;

    @Option(names = "-r", paramLabel = "ID", description = "requeue the message for delivery now (ALL: every message)")
    String requeue;

    @Parameters(arity = "0..1", paramLabel = "QUEUE", description = "hold, incoming, active or deferred")
    String queueName;

    @Override
    public Integer call() throws Exception {
        int actions = (delete != null ? 1 : 0) + (hold != null ? 1 : 0) + (release != null ? 1 : 0) + (requeue != null ? 1 : 0);
        if (actions != 1) {
            throw new IllegalArgumentException(QueueToolTexts.needsOneAction("postsuper"));
        }
        Config config = ConfigLoader.load(configDirectory.resolve()).main();
        QueueTools tools = QueueTools.open(config);
        PrintWriter err = spec.commandLine().getErr();
        List<QueueName> queues = queueName == null ? QueueTools.ALL_QUEUES : List.of(QueueTools.queueNamed(queueName));
        try (MailLog log = QueueTools.log(config)) {
            MailLog.Logger logger = log.program("postsuper");
            int count = 0;
            String argument = delete != null ? delete : hold != null ? hold : release != null ? release : requeue;
            List<QueueTools.Located> selected = tools.select(argument, release != null && queueName == null
                    ? List.of(QueueName.HOLD) : queues, "postsuper");
            if (selected.isEmpty() && !argument.equals("ALL")) {
                err.println(QueueToolTexts.noSuchMessage("postsuper", argument));
            }
            for (QueueTools.Located m : selected) {
                if (delete != null && tools.delete(m)) {
                    logger.info(QueueToolTexts.logRemoved(m.id().value()));
                    count++;
                } else if (hold != null && m.queue() != QueueName.INCOMING && tools.move(m, QueueName.HOLD)) {
                    logger.info(QueueToolTexts.logHeld(m.id().value()));
                    count++;
                } else if (release != null && m.queue() == QueueName.HOLD && tools.move(m, QueueName.DEFERRED)) {
                    logger.info(QueueToolTexts.logReleased(m.id().value()));
                    count++;
                } else if (requeue != null && m.queue() != QueueName.INCOMING && m.queue() != QueueName.ACTIVE
                        && tools.move(m, QueueName.ACTIVE)) {
                    logger.info(QueueToolTexts.logRequeued(m.id().value()));
                    count++;
                }
            }
            if (count > 0) {
                err.println(delete != null ? QueueToolTexts.deleted(count) : hold != null ? QueueToolTexts.held(count)
                        : release != null ? QueueToolTexts.released(count) : QueueToolTexts.requeued(count));
            }
            err.flush();
        }
        return 0;
    }
}
