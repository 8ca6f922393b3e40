package org.bulwark.milter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.bulwark.mail.SmtpReply;

/**
 * The milters of one SMTP session (or one locally posted message), in order, with Postfix's
 * semantics: each stage goes to each milter in turn, and the first refusal ends the stage — the
 * later milters do not see it. A milter that accepts drops out for the rest of the message (at
 * connect or HELO: of the session); one that answers SMFIR_SKIP gets no more body chunks; one that
 * fails answers with its default action from then on (and with accept, drops out).
 *
 * <p>Call order, as smtpd and cleanup drive it: {@link #connect}, {@link #helo} (again after
 * STARTTLS), then per transaction {@link #mail}, {@link #rcpt} for each recipient, {@link #data},
 * {@link #message} with the content, and {@link #abort} when the transaction ends (after the
 * message, on RSET, or when a refusal ends it); {@link #unknown} for an unrecognised command;
 * {@link #close} at the end of the session (sends QUIT). Blocking I/O on the caller's thread.
 */
public final class MilterSession implements AutoCloseable {

    private final List<Milter> milters;
    private final MacroValues values;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean connected;

    MilterSession(List<Milter> milters, MacroValues values) {
        this.milters = milters;
        this.values = values;
    }

    /** Connects to every milter, negotiates, and reports the client (SMFIC_CONNECT). */
    public MilterReply connect(MilterFacts.Client client) {
        lock.lock();
        try {
            if (!connected) {
                connected = true;
                milters.forEach(Milter::open);
            }
            values.client = client;
            return each(m -> m.connect(client, values));
        } finally {
            lock.unlock();
        }
    }

    /** HELO or EHLO (SMFIC_HELO), with TLS facts once STARTTLS has run, else null. */
    public MilterReply helo(String heloName, MilterFacts.Tls tls) {
        lock.lock();
        try {
            values.tls = tls;
            return each(m -> m.helo(heloName, values));
        } finally {
            lock.unlock();
        }
    }

    /**
     * MAIL FROM (SMFIC_MAIL): the sender (without angle brackets, "" for the null sender), its
     * ESMTP parameters as sent ("SIZE=1000", "BODY=8BITMIME"), and SASL facts or null.
     */
    public MilterReply mail(MilterFacts.Address sender, List<String> esmtpArgs, MilterFacts.Auth auth) {
        lock.lock();
        try {
            values.sender = sender;
            values.auth = auth;
            values.recipient = null;
            values.queueId = null;
            List<String> argv = argv(sender.address(), esmtpArgs);
            return each(m -> m.mail(argv, values));
        } finally {
            lock.unlock();
        }
    }

    /** RCPT TO (SMFIC_RCPT); a refusal applies to this recipient only. */
    public MilterReply rcpt(MilterFacts.Address recipient, List<String> esmtpArgs) {
        lock.lock();
        try {
            values.recipient = recipient;
            List<String> argv = argv(recipient.address(), esmtpArgs);
            return each(m -> m.rcpt(argv, values));
        } finally {
            lock.unlock();
        }
    }

    /**
     * A recipient smtpd itself rejected, for the milters that asked to see those (SMFIP_RCPT_REJ),
     * with Sendmail's error-mailer macros as Postfix sends them: {@code {rcpt_mailer}} "error",
     * {@code {rcpt_host}} the enhanced status code, {@code {rcpt_addr}} the reply text. Their
     * answers change nothing: the recipient is already refused.
     */
    public void rejectedRcpt(String recipient, List<String> esmtpArgs, SmtpReply refusal) {
        lock.lock();
        try {
            String text = refusal.lines().get(0);
            int space = text.indexOf(' ');
            values.recipient = new MilterFacts.Address(space < 0 ? text : text.substring(space + 1),
                    refusal.enhanced() == null ? "" : refusal.enhanced(), "error");
            List<String> argv = argv(recipient, esmtpArgs);
            for (Milter m : milters) {
                if (m.wantsRejectedRecipients()) {
                    m.rcpt(argv, values);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** DATA (SMFIC_DATA); from here on the {@code i} macro is the queue ID. */
    public MilterReply data(String queueId) {
        lock.lock();
        try {
            values.queueId = queueId;
            return each(m -> m.data(values));
        } finally {
            lock.unlock();
        }
    }

    /** A command smtpd does not know (SMFIC_UNKNOWN), the whole line as received. */
    public MilterReply unknown(String commandLine) {
        lock.lock();
        try {
            return each(m -> m.unknown(commandLine, values));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The message, milter by milter (headers, end of headers, body chunks, end of message), as
     * Postfix's cleanup sends it, each milter seeing {@code content} as given. For callers that
     * apply no edits between milters; cleanup uses {@link #message(MessageContent, Function)}.
     */
    public MessageResult message(MessageContent content) {
        return message(content, edits -> content);
    }

    /**
     * The message, milter by milter, each seeing it as the milters before it left it: Postfix's
     * cleanup writes each milter's end-of-message edits into the queue file before the next milter
     * reads the message from there. After a milter that lets the message through with edits,
     * {@code applied} gets them and answers the content with them made, or null when the caller
     * has decided the message's fate (milter_header_checks refused or dropped it) and the later
     * milters are not to see it. The edits of all milters come back in order; a refusal by one milter
     * ends the stage, and the edits collected so far come back with it (for
     * {@link MessageResult#discardEdits()}).
     */
    public MessageResult message(MessageContent content, Function<List<MessageEdit>, MessageContent> applied) {
        lock.lock();
        try {
            List<MessageEdit> edits = new ArrayList<>();
            MessageContent current = content;
            MilterReply result = MilterReply.CONTINUE;
            for (Milter m : milters) {
                int before = edits.size();
                MilterReply r = m.message(current, values, edits);
                if (r instanceof MilterReply.Quarantine) {
                    result = r;
                } else if (!(r instanceof MilterReply.Continue)) {
                    return new MessageResult(r, edits);
                }
                if (edits.size() > before) {
                    current = applied.apply(List.copyOf(edits.subList(before, edits.size())));
                    if (current == null) {
                        break;
                    }
                }
            }
            return new MessageResult(result, edits);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether any milter will see the message's headers or body, or may change them: when none
     * does, cleanup need not hold the message back for them and writes it on as it comes.
     */
    public boolean needsContent() {
        lock.lock();
        try {
            for (Milter m : milters) {
                if (m.needsContent()) {
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** The transaction is over (after the message, RSET, or a refusal): SMFIC_ABORT. */
    public void abort() {
        lock.lock();
        try {
            milters.forEach(Milter::abort);
            values.sender = null;
            values.recipient = null;
            values.auth = null;
            values.queueId = null;
        } finally {
            lock.unlock();
        }
    }

    /** The session is over: SMFIC_QUIT and every socket closed. */
    @Override
    public void close() {
        lock.lock();
        try {
            milters.forEach(Milter::close);
        } finally {
            lock.unlock();
        }
    }

    /** How many milter connections are open now (for tests of leaks and for metrics). */
    public int openConnections() {
        lock.lock();
        try {
            return (int) milters.stream().filter(Milter::connectionOpen).count();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs a stage on each milter in order until one refuses. A quarantine (a failed milter with
     * default_action=quarantine) does not stop the others; it is the answer if none refuses.
     */
    private MilterReply each(Function<Milter, MilterReply> stage) {
        MilterReply result = MilterReply.CONTINUE;
        for (Milter m : milters) {
            MilterReply r = stage.apply(m);
            if (r instanceof MilterReply.Quarantine) {
                result = r;
            } else if (!(r instanceof MilterReply.Continue)) {
                return r;
            }
        }
        return result;
    }

    private static List<String> argv(String address, List<String> esmtpArgs) {
        List<String> argv = new ArrayList<>(1 + esmtpArgs.size());
        argv.add("<" + address + ">");
        argv.addAll(esmtpArgs);
        return argv;
    }
}
