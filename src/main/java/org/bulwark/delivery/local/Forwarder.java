package org.bulwark.delivery.local;

import java.io.IOException;
import java.io.OutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bulwark.cleanup.Cleanup;
import org.bulwark.cleanup.CleanupSession;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;
import org.bulwark.mail.Recipient;
import org.bulwark.queue.QueuedMessage;

/**
 * Resubmits a message to remote addresses an alias lists, as local(8) does through cleanup: a new
 * message with its own queue ID ("forwarded as ID"), carrying a {@code Delivered-To:} header so a
 * forwarding loop is recognised when the copy comes back.
 */
@FunctionalInterface
public interface Forwarder {

    QueueId forward(QueuedMessage original, MailAddress deliveredTo, List<MailAddress> recipients) throws IOException;

    /** Forwards through cleanup into the queue. */
    static Forwarder through(Cleanup cleanup) {
        return (original, deliveredTo, recipients) -> {
            List<Recipient> list = new ArrayList<>();
            for (MailAddress r : recipients) {
                list.add(Recipient.of(r));
            }
            Envelope envelope = Envelope.of(original.envelope().sender(), list, original.envelope().client());
            try (CleanupSession session = cleanup.open(envelope)) {
                OutputStream out = session.content();
                out.write(("Delivered-To: " + deliveredTo.external() + "\n").getBytes(StandardCharsets.UTF_8));
                try (InputStream in = original.openContent()) {
                    in.transferTo(out);
                }
                return session.commit();
            }
        };
    }
}
