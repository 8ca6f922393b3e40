package org.bulwark.smtpd;

import java.io.IOException;
import org.bulwark.cleanup.Cleanup;
import org.bulwark.cleanup.CleanupSession;
import org.bulwark.log.MailLog;
import org.bulwark.mail.Envelope;
import org.bulwark.milter.MilterSession;

/** Where accepted messages go: {@code Cleanup::open} in the server, so the session needs only this one call. */
@FunctionalInterface
public interface MessageIntake {

    CleanupSession open(Envelope envelope) throws IOException;

    /** As {@link #open(Envelope)}, with the session's milters to judge the message at its end (null: none). */
    default CleanupSession open(Envelope envelope, MilterSession milters) throws IOException {
        if (milters != null) {
            throw new IOException("this intake takes no milters");
        }
        return open(envelope);
    }

    /** Into cleanup, whose {@code client=} line is logged under this service's own syslog_name. */
    static MessageIntake of(Cleanup cleanup, MailLog log) {
        return new MessageIntake() {
            @Override
            public CleanupSession open(Envelope envelope) throws IOException {
                return cleanup.open(envelope, log.program("smtpd"));
            }

            @Override
            public CleanupSession open(Envelope envelope, MilterSession milters) throws IOException {
                return cleanup.open(envelope, log.program("smtpd"), milters);
            }
        };
    }

    /** Takes no message: each one is answered with a queue write error. For a server that only talks. */
    MessageIntake NONE = envelope -> {
        throw new IOException("this service accepts no messages");
    };
}
