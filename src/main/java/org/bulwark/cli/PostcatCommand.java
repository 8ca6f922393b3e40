package org.bulwark.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bulwark.config.ConfigLoader;
import org.bulwark.mail.QueueId;
import org.bulwark.mail.Recipient;
import org.bulwark.queue.QueueName;
import org.bulwark.queue.QueuedMessage;
import org.bulwark.queue.RecipientState;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bulwark postcat -q ID}: a queued message's envelope records and content, in the shape of
 * Postfix's postcat ({@code -e} envelope only, {@code -b} body only).
 */
@Command(name = "postcat", description = "Show a queued message.")
final class PostcatCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);

    @Mixin
    ConfigDirectory configDirectory;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "-q", paramLabel = "ID", required = true, description = "the queue ID to show")
    String id;

    @Option(names = "-e", description = "show the envelope only")
    boolean envelopeOnly;

    @Option(names = "-b", description = "show the body content only")
    boolean bodyOnly;

    @Override
    public Integer call() throws Exception {
        if (!QueueId.isValid(id)) {
            throw new IllegalArgumentException(QueueToolTexts.badQueueId("postcat", id));
        }
        QueueTools tools = QueueTools.open(ConfigLoader.load(configDirectory.resolve()).main());
        QueueId qid = new QueueId(id);
        QueueName queue = tools.find(qid).orElseThrow(
                () -> new IllegalArgumentException(QueueToolTexts.notFoundForPostcat(id)));
        QueuedMessage m = tools.queue().read(queue, qid);
        String where = queue.directoryName() + "/" + id;
        PrintWriter out = spec.commandLine().getOut();
        if (!bodyOnly) {
            out.println(QueueToolTexts.envelopeHeader(where));
            out.println("message_size: " + m.contentSize());
            out.println("message_arrival_time: " + TIME.format(m.envelope().arrival().atZone(ZoneId.systemDefault())));
            out.println("sender: " + m.envelope().sender().internal());
            if (m.envelope().filter() != null) {
                out.println("content_filter: " + m.envelope().filter()); // Postfix's name for its FILT record
            }
            if (m.envelope().client() != null && m.envelope().client().address() != null) {
                out.println("named_attribute: client_address=" + m.envelope().client().address());
            }
            for (RecipientState r : m.recipients()) {
                Recipient rc = r.recipient();
                if (rc.originalRecipient() != null) {
                    out.println("original_recipient: " + rc.originalRecipient());
                }
                out.println((r.done() ? "done_recipient: " : "recipient: ") + rc.address().internal());
            }
            if (m.deferReason() != null) {
                out.println("named_attribute: reason=" + m.deferReason());
            }
        }
        if (!envelopeOnly) {
            out.println(QueueToolTexts.contentHeader(where));
            out.flush();
            try (InputStream in = m.openContent()) {
                new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8).transferTo(out);
            }
        }
        out.println(QueueToolTexts.endHeader(where));
        out.flush();
        return 0;
    }
}
