package org.bulwark.milter;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bulwark.log.MailLog;
import org.bulwark.mail.SmtpReply;

/**
 * One connection to one milter for one SMTP session (Postfix's milter8.c, rewritten): option
 * negotiation, one method per stage, the replies of each stage read until a decision, and at end
 * of message the edits collected as values. A milter that fails — cannot be reached, times out,
 * sends garbage or a frame over the size limit, closes mid-message — is logged once, its socket
 * closed, and from then on answers with its default action for the rest of the session.
 * Not thread-safe: {@link MilterSession} serialises calls.
 */
final class Milter {

    /** Where the milter stands in the session (milter8's MILTER8_STAT_*). */
    private enum State { NEW, READY, ACCEPT_CONNECTION, ACCEPT_MESSAGE, REJECT_CONNECTION, ERROR, CLOSED }

    /** How often the watchdog looks at the deadlines; time limits are whole seconds anyway. */
    private static final long TICK_MILLIS = 250;

    /**
     * The connections the watchdog looks after. Joining and leaving is a lock-free set operation,
     * not a task scheduled and cancelled per connection: a session per message must not pay for it.
     */
    private static final Set<Milter> WATCHED = ConcurrentHashMap.newKeySet();

    /** One thread for all milter deadlines: it closes the socket of an exchange that overran its time. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "milter-timeouts");
        t.setDaemon(true);
        return t;
    });

    static {
        WATCHDOG.scheduleWithFixedDelay(() -> {
            WATCHED.forEach(Milter::checkDeadline);
            MilterConnectionCache.expire();
        }, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Replies a milter may send for one event beyond which it is looping (progress forever is bounded by time). */
    private static final int MAX_EDITS = 100_000;

    private final MilterSpec spec;
    private final MailLog.Logger log;
    private final Path spillDirectory;
    /** How long the connection may wait for the next session after this one; zero: it is closed. */
    private final Duration reuseLimit;
    private final FrameWriter frame = new FrameWriter();
    private final MilterConnectionCache.Key cacheKey;
    private MacroLists macros;
    private SocketChannel channel;
    private FrameReader in;
    private OutputStream out;
    /** System.nanoTime() after which the current exchange is cut off; 0 when none is under way. */
    private volatile long deadline;
    private volatile boolean timedOut;
    private State state = State.NEW;
    /** The answer for every later event after an error or a connection-level refusal (milter8's def_reply). */
    private MilterReply stickyReply;
    private byte skipEvent;
    /** The protocol version negotiated: only a version 6 milter knows SMFIC_QUIT_NC. */
    private int version;
    /** SMFIC_ABORT is owed: it goes out before the next command, or not at all if SMFIC_QUIT_NC follows a message. */
    private boolean abortPending;
    /**
     * Whether libmilter would take SMFIC_QUIT_NC now: only right after an end of message or an
     * unknown command it let through (its state machine drops QUIT_NC anywhere else, and then the
     * next session's first command too).
     */
    private boolean quitNcAccepted;
    /** Whether the connection is one an earlier session kept and this one has not yet had an answer over. */
    private boolean reused;
    /** Set when such a connection failed that first exchange: the milter had let go of it. */
    private boolean stale;
    private int events;
    private int noProtocolMask;
    /** The actions (SMFIF_*) the milter asked for in negotiation. */
    private int actions;
    private String quarantine;
    private byte[] chunk;

    Milter(MilterSpec spec, MacroLists macros, MailLog.Logger log, Path spillDirectory, Duration reuseLimit) {
        this.spec = spec;
        this.macros = macros;
        this.log = log;
        this.spillDirectory = spillDirectory;
        this.reuseLimit = reuseLimit;
        this.cacheKey = new MilterConnectionCache.Key(spec.endpoint(), spec.version(), spec.events(), macros);
    }

    String name() {
        return spec.name();
    }

    /** Connects and negotiates; a failure is logged and the default action applies from then on. */
    void open() {
        if (state != State.NEW) {
            return;
        }
        if (reuseLimit.isPositive() && reuse(MilterConnectionCache.take(cacheKey))) {
            return;
        }
        try {
            connect();
        } catch (IOException e) {
            log.warning(MilterTexts.connectFailed(name(), timedOut ? "Connection timed out" : MilterTexts.why(e)));
            confError();
            return;
        }
        try {
            negotiate();
        } catch (IOException e) {
            commError(reason(e, MilterProtocol.OPTNEG));
        }
    }

    /** Carries on with a connection an earlier session left open, negotiated as this one would be. */
    private boolean reuse(MilterConnectionCache.Idle idle) {
        if (idle == null) {
            return false;
        }
        channel = idle.channel();
        in = idle.in();
        out = idle.out();
        version = idle.version();
        actions = idle.actions();
        events = idle.events();
        noProtocolMask = idle.noProtocolMask();
        macros = idle.macros();
        WATCHED.add(this);
        state = State.READY;
        reused = true;
        return true;
    }

    private void connect() throws IOException {
        SocketAddress address;
        if (spec.endpoint() instanceof MilterEndpoint.Unix unix) {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            address = UnixDomainSocketAddress.of(unix.path());
        } else {
            MilterEndpoint.Inet inet = (MilterEndpoint.Inet) spec.endpoint();
            address = new InetSocketAddress(inet.host(), inet.port());
            channel = SocketChannel.open();
        }
        WATCHED.add(this);
        arm(spec.connectTimeout());
        try {
            channel.connect(address);
        } finally {
            disarm();
        }
        if (channel.getLocalAddress() instanceof InetSocketAddress) {
            channel.socket().setTcpNoDelay(true);
        }
        InputStream raw = Channels.newInputStream(channel);
        in = new FrameReader(new BufferedInputStream(raw, 8192));
        // Small frames gather here until a reply is awaited; a body chunk's frame is larger and goes straight out.
        out = new BufferedOutputStream(Channels.newOutputStream(channel), 8192);
    }

    private void negotiate() throws IOException {
        frame.start(MilterProtocol.OPTNEG).putInt(spec.version()).putInt(MilterProtocol.MY_ACTIONS)
                .putInt(spec.events()).writeTo(out);
        arm(spec.commandTimeout());
        try {
            out.flush();
            byte reply = in.next(MilterProtocol.OPTNEG);
            if (reply != MilterProtocol.OPTNEG) {
                commError(MilterTexts.unexpectedHandshakeReply(reply));
                return;
            }
            version = in.getInt();
            actions = in.getInt();
            events = in.getInt();
            if (version > spec.version()) {
                commError(MilterTexts.versionConflict(version, spec.version()));
                return;
            }
            if ((actions & MilterProtocol.MY_ACTIONS) != actions) {
                commError(MilterTexts.requestMaskConflict(actions, MilterProtocol.MY_ACTIONS));
                return;
            }
            // Never send a stage that the offered version (or the milter's older one) lacks.
            noProtocolMask = MilterProtocol.NOSEND_MASK & ~spec.events();
            if (version < spec.version()) {
                noProtocolMask |= MilterProtocol.NOSEND_MASK & ~MilterProtocol.versionMask(version);
            }
            while (in.remaining() > 0) {
                int stage = in.getInt();
                List<String> names = List.of(in.getString().trim().split("[\\s,]+"));
                MacroLists replaced = macros.with(stage, names.equals(List.of("")) ? List.of() : names);
                if (replaced == null) {
                    log.warning(MilterTexts.warning(name(), MilterTexts.unknownMacroType(stage)));
                } else {
                    macros = replaced;
                }
            }
        } finally {
            disarm();
        }
        state = State.READY;
    }

    // The stages before the message. Each answers Continue unless this milter refuses.

    MilterReply connect(MilterFacts.Client client, MacroValues values) {
        String host = !client.name().equals("unknown") || client.address().equals("unknown")
                ? client.name() : "[" + client.address() + "]";
        byte family = client.address().equals("unknown") ? MilterProtocol.FAMILY_UNKNOWN
                : client.address().indexOf(':') >= 0 ? MilterProtocol.FAMILY_INET6 : MilterProtocol.FAMILY_INET;
        Payload payload = f -> {
            f.putString(host).put(family);
            if (family != MilterProtocol.FAMILY_UNKNOWN) {
                f.putShort(client.port()).putString(client.address());
            }
        };
        MilterReply r = event(MilterProtocol.CONNECT, MilterProtocol.P_NOCONNECT, MilterProtocol.P_NR_CONN,
                macros.connect(), values, spec.commandTimeout(), null, payload);
        while (stale) {
            // The milter let go of the kept connection (a restart, its idle timeout); this session has
            // sent it nothing else yet, so it starts over on another kept one or a new one. Each turn
            // uses up a kept connection or makes a new one (which cannot be stale): the loop ends.
            stale = false;
            reused = false;
            closeSocket();
            state = State.NEW;
            open();
            r = event(MilterProtocol.CONNECT, MilterProtocol.P_NOCONNECT, MilterProtocol.P_NR_CONN,
                    macros.connect(), values, spec.commandTimeout(), null, payload);
        }
        reused = false;
        return r;
    }

    MilterReply helo(String heloName, MacroValues values) {
        return event(MilterProtocol.HELO, MilterProtocol.P_NOHELO, MilterProtocol.P_NR_HELO, macros.helo(), values,
                spec.commandTimeout(), null, f -> f.putString(heloName));
    }

    MilterReply mail(List<String> argv, MacroValues values) {
        if (state == State.ACCEPT_MESSAGE) {
            state = State.READY;
        }
        quarantine = null;
        return event(MilterProtocol.MAIL, MilterProtocol.P_NOMAIL, MilterProtocol.P_NR_MAIL, macros.mail(), values,
                spec.commandTimeout(), null, f -> argv.forEach(f::putString));
    }

    MilterReply rcpt(List<String> argv, MacroValues values) {
        return event(MilterProtocol.RCPT, MilterProtocol.P_NORCPT, MilterProtocol.P_NR_RCPT, macros.rcpt(), values,
                spec.commandTimeout(), null, f -> argv.forEach(f::putString));
    }

    /**
     * Whether this milter will see the message's headers or body at end of message, or may change
     * them (SMFIF_ADDHDRS, SMFIF_CHGHDRS, SMFIF_CHGBODY); libmilter refuses a milter an edit it did
     * not ask for. A milter that has accepted, refused or failed sees no message.
     */
    boolean needsContent() {
        if (state == State.NEW) {
            return true;
        }
        if (state != State.READY) {
            return false;
        }
        int declined = events | noProtocolMask;
        return (declined & MilterProtocol.P_NOHDRS) == 0 || (declined & MilterProtocol.P_NOBODY) == 0
                || (actions & (MilterProtocol.F_ADDHDRS | MilterProtocol.F_CHGHDRS | MilterProtocol.F_CHGBODY)) != 0;
    }

    /** Whether the milter asked to see recipients that smtpd rejected (SMFIP_RCPT_REJ). */
    boolean wantsRejectedRecipients() {
        return (events & MilterProtocol.P_RCPT_REJ) != 0;
    }

    MilterReply data(MacroValues values) {
        return event(MilterProtocol.DATA, MilterProtocol.P_NODATA, MilterProtocol.P_NR_DATA, macros.data(), values,
                spec.commandTimeout(), null, f -> { });
    }

    MilterReply unknown(String command, MacroValues values) {
        return event(MilterProtocol.UNKNOWN, MilterProtocol.P_NOUNKNOWN, MilterProtocol.P_NR_UNKN, macros.unknown(),
                values, spec.commandTimeout(), null, f -> f.putString(command));
    }

    /**
     * Sends the message (headers, end of headers, body in chunks, end of message) and collects
     * the edits of end of message into {@code edits}.
     */
    MilterReply message(MessageContent content, MacroValues values, List<MessageEdit> edits) {
        if (state != State.READY) {
            return sticky();
        }
        Duration timeout = spec.contentTimeout();
        boolean leadingSpace = (events & MilterProtocol.P_HDR_LEADSPC) != 0;
        // A milter that declined headers is not even sent their macros, once per header.
        List<MessageContent.Header> headers = ((events | noProtocolMask) & MilterProtocol.P_NOHDRS) != 0
                ? List.of() : content.headers();
        for (MessageContent.Header h : headers) {
            String value = h.value();
            if (!leadingSpace && value.startsWith(" ")) {
                value = value.substring(1);
            }
            // Sendmail sends a folded header's lines separated by a bare newline.
            String sent = value.replace("\r\n", "\n");
            MilterReply r = event(MilterProtocol.HEADER, MilterProtocol.P_NOHDRS, MilterProtocol.P_NR_HDR,
                    macros.endOfHeaders(), values, timeout, null, f -> f.putString(h.name()).putString(sent));
            if (!(r instanceof MilterReply.Continue) || state != State.READY) {
                return r;
            }
        }
        MilterReply r = event(MilterProtocol.EOH, MilterProtocol.P_NOEOH, MilterProtocol.P_NR_EOH,
                macros.endOfHeaders(), values, timeout, null, f -> { });
        if (!(r instanceof MilterReply.Continue) || state != State.READY) {
            return r;
        }
        r = body(content, values, timeout);
        if (!(r instanceof MilterReply.Continue) || state != State.READY) {
            return r;
        }
        List<MessageEdit> mine = new ArrayList<>();
        r = event(MilterProtocol.BODYEOB, 0, 0, macros.endOfData(), values, timeout, mine, f -> { });
        if (quarantine != null) {
            mine.add(new MessageEdit.Quarantine(quarantine));
            quarantine = null;
        }
        if (state == State.ERROR) {
            // A milter that failed half-way through its edits leaves none of them applied.
            new MessageResult(r, mine).discardEdits();
        } else {
            edits.addAll(mine);
        }
        return r;
    }

    private MilterReply body(MessageContent content, MacroValues values, Duration timeout) {
        if ((events & MilterProtocol.P_NOBODY) != 0 || (noProtocolMask & MilterProtocol.P_NOBODY) != 0) {
            return MilterReply.CONTINUE;
        }
        if (chunk == null) {
            chunk = new byte[MilterProtocol.CHUNK_SIZE];
        }
        try (InputStream body = content.body().open()) {
            while (true) {
                int n = body.readNBytes(chunk, 0, chunk.length);
                if (n == 0) {
                    return MilterReply.CONTINUE;
                }
                MilterReply r = event(MilterProtocol.BODY, MilterProtocol.P_NOBODY, MilterProtocol.P_NR_BODY,
                        macros.endOfData(), values, timeout, null, f -> f.putBytes(chunk, 0, n));
                if (!(r instanceof MilterReply.Continue) || state != State.READY || skipEvent == MilterProtocol.BODY) {
                    return r;
                }
            }
        } catch (IOException e) {
            // Our own body cannot be read: not the milter's fault, but the milter is out of step now.
            return commError(MilterTexts.bodyReadFailed(MilterTexts.why(e)));
        }
    }

    /** The transaction ended (RSET, or after the message): the milter forgets it. */
    void abort() {
        skipEvent = 0;
        quarantine = null;
        if (state == State.ACCEPT_MESSAGE) {
            state = State.READY;
        }
        if (state != State.READY) {
            return;
        }
        // No reply is awaited: the frame goes out before the next command, or with QUIT.
        abortPending = true;
    }

    /**
     * Ends the session: QUIT to a milter still talking to us, then the socket is closed; or, when
     * connections are kept, SMFIC_QUIT_NC and the connection parked for the next session.
     */
    void close() {
        if (park()) {
            return;
        }
        if (channel != null && state != State.ERROR && state != State.CLOSED) {
            try {
                arm(spec.commandTimeout());
                writePendingAbort();
                frame.start(MilterProtocol.QUIT).writeTo(out);
                out.flush();
            } catch (IOException e) {
                // The session is over; nothing waits for this milter's answer.
            } finally {
                disarm();
            }
        }
        closeSocket();
        state = State.CLOSED;
    }

    /**
     * Parks the connection to a protocol 6 milter that can take SMFIC_QUIT_NC now: the milter
     * ends the session and waits for the next SMFIC_CONNECT. The ABORT owed for the message just
     * ended is left out: QUIT_NC ends it as QUIT would, and libmilter takes QUIT_NC only straight
     * after the end of message. Only a milter that takes the connect stage: libmilter calls its
     * close callback at QUIT_NC, and a milter that declined SMFIC_CONNECT may have nothing that
     * sets it up again (python's libmilter binding builds its per-connection object at
     * negotiation, drops it at close, and rebuilds it only at connect).
     */
    private boolean park() {
        boolean takesConnect = ((events | noProtocolMask) & MilterProtocol.P_NOCONNECT) == 0;
        if (!reuseLimit.isPositive() || !quitNcAccepted || !takesConnect || state != State.READY || version < 6
                || channel == null || !channel.isOpen()) {
            return false;
        }
        arm(spec.commandTimeout());
        try {
            frame.start(MilterProtocol.QUIT_NC).writeTo(out);
            out.flush();
        } catch (IOException e) {
            return false;
        } finally {
            disarm();
        }
        WATCHED.remove(this);
        if (timedOut || !channel.isOpen()) {
            return false;
        }
        MilterConnectionCache.park(cacheKey, new MilterConnectionCache.Idle(channel, in, out, version, actions, events,
                noProtocolMask, macros, System.nanoTime() + reuseLimit.toNanos()));
        channel = null;
        state = State.CLOSED;
        return true;
    }

    boolean connectionOpen() {
        return channel != null && channel.isOpen();
    }

    /** A stand-in for the event payload, filled into the reused frame buffer. */
    @FunctionalInterface
    private interface Payload {
        void fill(FrameWriter frame);
    }

    private MilterReply event(byte command, int noSendFlag, int noReplyFlag, List<String> macroNames,
            MacroValues values, Duration timeout, List<MessageEdit> edits, Payload payload) {
        switch (state) {
            case READY -> { }
            case ACCEPT_CONNECTION, ACCEPT_MESSAGE, CLOSED -> {
                return MilterReply.CONTINUE;
            }
            default -> {
                return sticky();
            }
        }
        if ((noSendFlag & noProtocolMask) != 0) {
            return MilterReply.CONTINUE;
        }
        if (skipEvent != 0) {
            if (command == skipEvent) {
                return MilterReply.CONTINUE;
            }
            skipEvent = 0;
        }
        arm(timeout);
        try {
            writePendingAbort();
            writeMacros(command, macroNames, values);
            if ((noSendFlag & events) != 0) {
                return MilterReply.CONTINUE;
            }
            frame.start(command);
            payload.fill(frame);
            frame.writeTo(out);
            boolean endsExchange = command == MilterProtocol.BODYEOB || command == MilterProtocol.UNKNOWN;
            quitNcAccepted = false;
            if ((noReplyFlag & events) != 0) {
                quitNcAccepted = endsExchange;
                return MilterReply.CONTINUE;
            }
            out.flush();
            MilterReply reply = replies(command, edits);
            // libmilter stays in the state that takes QUIT_NC only after "continue" (accept or a refusal resets it).
            quitNcAccepted = endsExchange && reply == MilterReply.CONTINUE && state == State.READY && skipEvent == 0;
            return reply;
        } catch (IOException e) {
            if (reused && command == MilterProtocol.CONNECT && !timedOut) {
                stale = true;
                return MilterReply.CONTINUE;
            }
            return commError(reason(e, command));
        } finally {
            disarm();
        }
    }

    private void writePendingAbort() throws IOException {
        if (abortPending) {
            abortPending = false;
            quitNcAccepted = false;
            frame.start(MilterProtocol.ABORT).writeTo(out);
        }
    }

    private void writeMacros(byte command, List<String> names, MacroValues values) throws IOException {
        if (names.isEmpty()) {
            return;
        }
        boolean any = false;
        for (String name : names) {
            String value = values.value(name);
            if (value != null) {
                if (!any) {
                    frame.start(MilterProtocol.MACRO).put(command);
                    any = true;
                }
                frame.putString(name).putString(value);
            }
        }
        if (any) {
            frame.writeTo(out);
        }
    }

    /** Reads replies to one event until a decision; at end of message, edits come first. */
    private MilterReply replies(byte event, List<MessageEdit> edits) throws IOException {
        boolean connectStage = event == MilterProtocol.CONNECT || event == MilterProtocol.HELO;
        EditReader editReader = edits == null ? null : new EditReader(edits, spillDirectory);
        try {
            for (int count = 0; count < MAX_EDITS; count++) {
                byte reply = in.next(event);
                if (editReader != null && reply != MilterProtocol.R_REPLBODY) {
                    editReader.endBody();
                }
                switch (reply) {
                    case MilterProtocol.R_PROGRESS -> {
                        noData(reply);
                        arm(event == MilterProtocol.BODYEOB ? spec.contentTimeout() : spec.commandTimeout());
                    }
                    case MilterProtocol.R_CONTINUE -> {
                        noData(reply);
                        return MilterReply.CONTINUE;
                    }
                    case MilterProtocol.R_ACCEPT -> {
                        noData(reply);
                        state = connectStage ? State.ACCEPT_CONNECTION : State.ACCEPT_MESSAGE;
                        return MilterReply.CONTINUE;
                    }
                    case MilterProtocol.R_DISCARD -> {
                        noData(reply);
                        if (connectStage) {
                            log.warning(MilterTexts.warning(name(), MilterTexts.discardNotAllowed()));
                            return MilterReply.CONTINUE;
                        }
                        state = State.ACCEPT_MESSAGE;
                        return new MilterReply.Discard();
                    }
                    case MilterProtocol.R_REJECT -> {
                        noData(reply);
                        return refuse(connectStage, MilterTexts.REJECT);
                    }
                    case MilterProtocol.R_TEMPFAIL -> {
                        noData(reply);
                        return refuse(connectStage, MilterTexts.TEMPFAIL);
                    }
                    case MilterProtocol.R_SHUTDOWN -> {
                        noData(reply);
                        state = State.REJECT_CONNECTION;
                        stickyReply = MilterReply.refusal(ReplyText.parse(MilterTexts.SHUTDOWN));
                        return stickyReply;
                    }
                    case MilterProtocol.R_REPLYCODE -> {
                        String text = in.getRestAsString();
                        SmtpReply parsed = ReplyText.parseCustom(text);
                        if (parsed == null) {
                            log.warning(MilterTexts.warning(name(), MilterTexts.malformedReply(text)));
                            return confError();
                        }
                        return refuse(connectStage, parsed);
                    }
                    case MilterProtocol.R_QUARANTINE -> {
                        String reason = in.getRestAsString();
                        quarantine = reason.length() > 100 ? reason.substring(0, 100) : reason;
                    }
                    case MilterProtocol.R_SKIP -> {
                        noData(reply);
                        skipEvent = event;
                        return MilterReply.CONTINUE;
                    }
                    default -> {
                        if (editReader == null) {
                            return commError(MilterTexts.unexpectedResponse(reply, event));
                        }
                        String problem = editReader.read(reply, in, (events & MilterProtocol.P_HDR_LEADSPC) != 0);
                        if (problem != null) {
                            log.warning(MilterTexts.warning(name(), problem));
                            return confError();
                        }
                    }
                }
            }
            return commError(MilterTexts.tooManyReplies(event));
        } finally {
            if (editReader != null) {
                editReader.endBody();
            }
        }
    }

    private void noData(byte reply) throws MilterException {
        if (in.remaining() != 0) {
            throw new MilterException(MilterTexts.trailingData(reply, in.remaining()));
        }
    }

    private MilterReply refuse(boolean connectStage, String reply) {
        return refuse(connectStage, ReplyText.parse(reply));
    }

    private MilterReply refuse(boolean connectStage, SmtpReply reply) {
        MilterReply r = MilterReply.refusal(reply);
        if (connectStage) {
            // A refusal of the connection or HELO holds for every later command of the session.
            state = State.REJECT_CONNECTION;
            stickyReply = r;
        }
        return r;
    }

    private MilterReply sticky() {
        return stickyReply == null ? MilterReply.CONTINUE : stickyReply;
    }

    private String reason(IOException e, byte event) {
        if (timedOut) {
            return MilterTexts.cantReadHeader(event, "Connection timed out");
        }
        return e instanceof MilterException ? e.getMessage() : MilterTexts.writeError(MilterTexts.why(e));
    }

    /** A read, write or format error (milter8_comm_error): the socket is closed, the default action applies. */
    MilterReply commError(String reason) {
        log.warning(MilterTexts.warning(name(), reason));
        closeSocket();
        state = State.ERROR;
        stickyReply = spec.defaultAction().afterCommunicationError();
        return sticky();
    }

    /** A configuration problem or a milter's nonsense request (milter8_conf_error): as commError, Postfix's other texts. */
    private MilterReply confError() {
        closeSocket();
        state = State.ERROR;
        stickyReply = spec.defaultAction().afterConfigurationError();
        return sticky();
    }

    private void closeSocket() {
        WATCHED.remove(this);
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Closing a socket we are abandoning: nothing more to do.
            }
        }
    }

    private void arm(Duration timeout) {
        timedOut = false;
        deadline = System.nanoTime() + Math.max(1, timeout.toNanos());
    }

    private void disarm() {
        deadline = 0;
    }

    private void checkDeadline() {
        long d = deadline;
        if (d != 0 && System.nanoTime() - d > 0) {
            timedOut = true;
            try {
                channel.close();
            } catch (IOException e) {
                // The blocked read or write fails now, which is what the deadline is for.
            }
        }
    }
}
