package org.bulwark.smtpd;

import java.io.IOException;
import org.bulwark.cleanup.Cleanup;
import org.bulwark.cleanup.CleanupSession;
import org.bulwark.log.MailLog;
import org.bulwark.mail.Envelope;

/** Where accepted messages go: {@code Cleanup::open} in the server, so the session needs only this one call. */
@FunctionalInterface
public interface MessageIntake {

    CleanupSession open(Envelope envelope) throws IOException;

    /** Into cleanup, whose {@code client=} line is logged under this service's own syslog_name. */
    static MessageIntake of(Cleanup cleanup, MailLog log) {
        return envelope -> cleanup.open(envelope, log.program("smtpd"));
    }

    /** Takes no message: each one is answered with a queue write error. For a server that only talks. */
    MessageIntake NONE = envelope -> {
        throw new IOException("this service accepts no messages");
    };
}
