package org.bulwark.verify;

import java.io.IOException;
import org.bulwark.mail.MailAddress;

/**
 * Queues a probe message, as Postfix's verify(8) posts one to cleanup: the composition root
 * gives cleanup's entrance, which this layer cannot name.
 */
@FunctionalInterface
public interface ProbeSubmitter {

    /** Queues a probe from {@code sender} to {@code recipient}; returns its queue ID for the log. */
    String submit(MailAddress sender, MailAddress recipient) throws IOException;
}
