package org.bulwark.bounce;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bulwark.config.Config;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.Recipient;
import org.bulwark.queue.QueuedMessage;

/**
 * Decides who gets a notice and writes it, as Postfix's bounce(8) does: a notice goes to the
 * envelope sender for the recipients whose NOTIFY asks for it; nothing is ever sent to the null
 * sender (RFC 5321 §4.5.5); a bounce that cannot be delivered goes to
 * {@code 2bounce_notice_recipient} from {@code double_bounce_sender}, and mail from that address
 * that fails is dropped, which ends every loop.
 */
public final class Notices {

    private final String myhostname;
    private final String myorigin;
    private final String doubleBounceRecipient;
    private final String doubleBounceSender;
    private final long bounceSizeLimit;
    private final Duration maximalQueueLifetime;
    private final Duration delayWarningTime;

    public Notices(Config config) {
        this.myhostname = config.get("myhostname").trim();
        this.myorigin = config.get("myorigin").trim();
        this.doubleBounceRecipient = config.get("2bounce_notice_recipient").trim();
        this.doubleBounceSender = config.get("double_bounce_sender").trim();
        this.bounceSizeLimit = config.integer("bounce_size_limit");
        this.maximalQueueLifetime = config.time("maximal_queue_lifetime");
        this.delayWarningTime = config.time("delay_warning_time");
    }

    /** {@code delay_warning_time}; zero means no delay warnings. */
    public Duration delayWarningTime() {
        return delayWarningTime;
    }

    /** Whether mail from this sender is a double bounce, whose own failure is discarded. */
    public boolean isDoubleBounceSender(MailAddress sender) {
        return !sender.isNullSender() && sender.localPart().equalsIgnoreCase(doubleBounceSender)
                && (sender.domain() == null || sender.domainKey().equalsIgnoreCase(myorigin)
                        || sender.domainKey().equalsIgnoreCase(myhostname));
    }

    /**
     * The notice of this kind for these recipients, or empty when nobody is to be told: NOTIFY
     * excludes them all, the sender is null (except for a failure: then the postmaster), or the
     * sender is the double-bounce address.
     */
    public Optional<Notice> prepare(NoticeKind kind, QueuedMessage original, List<RecipientReport> reports,
            Instant now) {
        MailAddress sender = original.envelope().sender();
        if (isDoubleBounceSender(sender)) {
            return Optional.empty();
        }
        if (sender.isNullSender()) {
            if (kind != NoticeKind.FAILURE || reports.isEmpty()) {
                return Optional.empty();
            }
            MailAddress postmaster = qualify(MailAddress.of(doubleBounceRecipient));
            return Optional.of(new Notice(kind, envelope(qualify(MailAddress.of(doubleBounceSender)), postmaster, now),
                    true, original, reports));
        }
        List<RecipientReport> wanted = new ArrayList<>();
        for (RecipientReport r : reports) {
            if (kind.wanted(r.recipient().dsnNotify())) {
                wanted.add(r);
            }
        }
        if (wanted.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Notice(kind, envelope(MailAddress.NULL_SENDER, sender, now), false, original, wanted));
    }

    /** Writes the notice's content (headers and MIME body, LF line ends) for cleanup. */
    public void write(Notice notice, OutputStream out, Instant now) throws IOException {
        Duration delayed = Duration.between(notice.original().envelope().arrival(), now);
        new DsnWriter(myhostname, bounceSizeLimit).write(notice, out, now,
                NoticeTexts.intro(notice.kind(), myhostname, delayed, maximalQueueLifetime));
    }

    private static Envelope envelope(MailAddress from, MailAddress to, Instant now) {
        return new Envelope(from, List.of(Recipient.of(to)), now, ClientInfo.local("MAILER-DAEMON"), null, null, null,
                false);
    }

    private MailAddress qualify(MailAddress a) {
        return a.isQualified() ? a : a.withDomain(myorigin);
    }
}
