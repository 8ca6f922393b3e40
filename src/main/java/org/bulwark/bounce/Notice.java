package org.bulwark.bounce;

import java.util.List;
import org.bulwark.mail.Envelope;
import org.bulwark.queue.QueuedMessage;

/**
 * A notice ready to be queued: its envelope (the null sender, or the double-bounce address for a
 * postmaster notice, to the message's sender or the postmaster) and what it reports about which
 * message. {@link Notices#write} produces its content.
 */
public record Notice(NoticeKind kind, Envelope envelope, boolean postmaster, QueuedMessage original,
        List<RecipientReport> reports) {

    public Notice {
        reports = List.copyOf(reports);
    }

    /** The log line's text after the original queue ID, without the new ID. */
    public String logText() {
        return NoticeTexts.logged(kind, postmaster);
    }
}
