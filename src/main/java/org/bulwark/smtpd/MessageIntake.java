package org.bulwark.smtpd;

import java.io.IOException;
import org.bulwark.cleanup.CleanupSession;
import org.bulwark.mail.Envelope;

/** Where accepted messages go: {@code Cleanup::open} in the server, so the session needs only this one call. */
@FunctionalInterface
public interface MessageIntake {

    CleanupSession open(Envelope envelope) throws IOException;
}
