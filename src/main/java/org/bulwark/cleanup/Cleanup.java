package org.bulwark.cleanup;

import java.io.IOException;
import org.bulwark.config.Config;
import org.bulwark.log.MailLog;
import org.bulwark.mail.Envelope;
import org.bulwark.queue.MailQueue;

/**
 * The one way into the queue, for smtpd, pickup and (later) bounce. Thread-safe; one per
 * configuration.
 */
public final class Cleanup {

    public Cleanup(Config config, MailQueue queue, MailLog log) {
        throw new UnsupportedOperationException("not built yet");
    }

    /**
     * Starts a message: creates its queue file and logs {@code QUEUEID: client=name[addr]}
     * (smtpd) or {@code QUEUEID: uid=N from=<sender>} (pickup). The envelope's recipients are final.
     */
    public CleanupSession open(Envelope envelope) throws IOException {
        throw new UnsupportedOperationException("not built yet");
    }
}
