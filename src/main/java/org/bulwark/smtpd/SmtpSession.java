package org.bulwark.smtpd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.bulwark.anvil.Anvil;
import org.bulwark.dns.ClientNames;
import org.bulwark.log.MailLog;
import org.bulwark.mail.SmtpReply;
import org.bulwark.milter.MilterFacts;
import org.bulwark.milter.MilterReply;
import org.bulwark.milter.MilterSession;
import org.bulwark.protocol.Command;
import org.bulwark.protocol.InputLine;
import org.bulwark.protocol.LineEnding;
import org.bulwark.protocol.ReplyTexts;
import org.bulwark.protocol.SmtpInput;
import org.bulwark.restrict.Decision;
import org.bulwark.restrict.Stage;
import org.bulwark.util.IpAddresses;

/**
 * One SMTP conversation on one virtual thread: the greeting, the command loop (read a command,
 * dispatch it to its verb handler, deadlines, error limits) and the log lines Postfix writes for
 * it. What the session knows lives in {@link SessionState}; the verbs in one handler per group
 * ({@link HeloCommands}, {@link MailCommands}, {@link AuthCommand}, {@link StartTlsCommand},
 * {@link BasicCommands}), each given only the {@link SessionIo} face of this loop.
 */
final class SmtpSession implements Runnable {

    private final SmtpdSettings settings;
    private final SecuritySettings security;
    private final Anvil anvil;
    private final ClientNameLookup names;
    private final Socket socket;
    private final Connection connection;
    private final SessionState state;
    private final MailLog.Logger logger;
    private final SessionLog log;
    private final SessionChecks checks;
    /** Which milters a client gets (smtpd_milters, smtpd_milter_maps), or null for none. */
    private final MilterSelection milterSelection;
    /** The milters of the client now (chosen again after XCLIENT), or null. */
    private MilterSession milters;
    private final Io io = new Io();
    private final CommandCounts counts = new CommandCounts();
    private final HeloCommands helo;
    private final MailCommands mail;
    private final AuthCommand auth;
    private final StartTlsCommand startTls;
    private final BasicCommands basic;
    private final XclientCommands xclient;

    private String where = SessionIo.AFTER_CONNECT;
    private int errorCount;
    private int junkCommands;
    /** The connect stage's refusal: every later command but QUIT hears 503 (Postfix's access_denied). */
    private SmtpReply accessDenied;
    private String reason;
    private boolean closing;
    /** Set when postscreen passed the client: who it is (null: the connection's own peer) and what it already sent. */
    private boolean handedOver;
    private UpstreamProxy.Client handedOverClient;

    SmtpSession(Socket socket, SmtpdSettings settings, SecuritySettings security, ClientNameLookup names,
            RestrictionCheck restrictions, MessageIntake intake, MailLog.Logger log, Anvil anvil) {
        this(socket, settings, security, names, restrictions, intake, log, anvil, null, null);
    }

    /**
     * @param milters      which milters the client gets, or null for none; their sessions are closed by {@link #run()}
     * @param localAddress the address the client reached when the listener knows it (bound to one
     *                     address), or null to ask the socket (a system call or two per connection)
     */
    SmtpSession(Socket socket, SmtpdSettings settings, SecuritySettings security, ClientNameLookup names,
            RestrictionCheck restrictions, MessageIntake intake, MailLog.Logger log, Anvil anvil,
            MilterSelection milters, InetAddress localAddress) {
        this.socket = socket;
        this.connection = new Connection(socket, settings);
        this.settings = settings;
        this.security = security;
        this.anvil = anvil;
        this.names = names;
        this.logger = log;
        this.state = new SessionState(socket.getInetAddress(),
                localAddress != null ? localAddress : socket.getLocalAddress())
                .ports(socket.getPort(), socket.getLocalPort());
        this.log = new SessionLog(log, state);
        this.milterSelection = milters;
        this.checks = new SessionChecks(restrictions, null, this.log);
        state.onTransactionEnd(checks::transactionEnded);
        this.helo = new HeloCommands(settings, security, state, checks, this.log, io);
        this.mail = new MailCommands(settings, security, anvil, intake, state, checks, this.log, io);
        this.auth = new AuthCommand(settings, security, anvil, state, this.log, io);
        this.startTls = new StartTlsCommand(settings, security, anvil, state, this.log, io);
        this.basic = new BasicCommands(settings, state, checks, this.log, io);
        this.xclient = new XclientCommands(settings, state, io);
    }

    /**
     * A connection postscreen screened and passed: it read the PROXY header, if any, itself, so
     * {@code client} is who the header named (null for the connection's own peer), and
     * {@code pending} what the client sent before its turn; this session reads that first.
     */
    SmtpSession handedOver(UpstreamProxy.Client client, byte[] pending) {
        handedOver = true;
        handedOverClient = client;
        connection.readFirst(pending);
        return this;
    }

    @Override
    public void run() {
        try (socket) {
            UpstreamProxy upstream = handedOver ? null : settings.upstreamProxy();
            UpstreamProxy.Client proxied = handedOver ? handedOverClient
                    : upstream == null ? null : upstream.receive(socket, logger);
            boolean hangUp = upstream != null && proxied == null;
            if (proxied != null) {
                state.proxied(proxied.address(), proxied.port(), proxied.serverAddress(), proxied.serverPort());
            }
            if (settings.peernameLookup() && !hangUp) {
                state.namesFound(lookUpNames());
            }
            logger.info("connect from " + state.nameAndAddress());
            if (hangUp) {
                // Never the proxy's own address as the client: no greeting, no restrictions.
                connection.switchTo(socket);
                connection.writeQuietly(ReplyTexts.serverLocalError(settings.myhostname()));
                return;
            }
            // The address anvil counted; XCLIENT may name another client later.
            InetAddress counted = state.clientAddress();
            SmtpReply overLimit = anvil.connect(counted, state.nameAndAddress());
            try {
                // RFC 8314 §3.3: in wrapper mode TLS starts before the greeting.
                if (security.wrapperMode() && !startTls.encrypt()) {
                    return;
                }
                if (!state.encrypted()) {
                    connection.switchTo(socket);
                }
                if (proxied != null && proxied.tls() != null && !state.encrypted()) {
                    // The client's TLS ended at the proxy (PP2_TYPE_SSL).
                    state.tlsStarted(proxied.tls());
                }
                if (overLimit != null) {
                    connection.writeQuietly(overLimit);
                } else {
                    converse();
                }
            } finally {
                anvil.disconnect(counted);
            }
        } catch (IOException e) {
            // The socket failed before the conversation began; nothing to tell the client.
        } finally {
            connection.close();
            state.transactionEnded();
            closeMilters();
            if (reason != null && !(reason.equals("lost connection") && where.equals(SessionIo.AFTER_DOT))) {
                logger.info(reason + " after " + where + " from " + state.nameAndAddress());
            }
            logger.info("disconnect from " + state.nameAndAddress() + counts.summary());
        }
    }

    private ClientNames lookUpNames() {
        try {
            return names.names(state.clientAddress());
        } catch (RuntimeException e) {
            logger.warning("hostname lookup for " + state.clientIp() + " failed: " + e.getMessage());
            return new ClientNames(ClientNames.UNKNOWN, ClientNames.Status.TEMPORARY, ClientNames.UNKNOWN,
                    ClientNames.Status.TEMPORARY);
        }
    }

    /**
     * The milters for the client as it is now known (Postfix's setup_milters): by its address in
     * smtpd_milter_maps, else smtpd_milters. False, after a 421, when the table's list is malformed.
     */
    private boolean openMilters() throws IOException {
        if (milterSelection == null) {
            return true;
        }
        try {
            milters = milterSelection.open(state.clientIp(), logger);
        } catch (RuntimeException e) {
            logger.warning(SmtpdTexts.milterMapsProblem(state.nameAndAddress(), e.getMessage()));
            io.reply(ReplyTexts.serverLocalError(settings.myhostname()));
            closing = true;
            return false;
        }
        checks.milters(milters);
        return true;
    }

    /** The end of the milters' session with this client (QUIT, sockets closed). */
    private void closeMilters() {
        if (milters != null) {
            milters.close();
            milters = null;
            checks.milters(null);
        }
    }

    private void converse() {
        try {
            if (openMilters()) {
                greet();
            }
            while (!closing) {
                if (errorCount >= settings.hardErrorLimit()) {
                    reason = "too many errors";
                    io.reply(ReplyTexts.tooManyErrors(settings.myhostname()));
                    break;
                }
                connection.commandFollows();
                InputLine line = connection.input().readLine(settings.lineLengthLimit());
                if (line == null) {
                    reason = "lost connection";
                    break;
                }
                handle(line);
            }
            connection.flush();
        } catch (SessionChecks.Hangup e) {
            // access(5) HANGUP: no reply and no "lost connection" line; the restriction logged why.
            reason = null;
        } catch (SocketTimeoutException e) {
            reason = "timeout";
            connection.writeQuietly(ReplyTexts.timeout(settings.myhostname()));
        } catch (IOException e) {
            reason = "lost connection";
        } catch (RuntimeException e) {
            logger.warning("unexpected error in session with " + state.nameAndAddress() + ": " + e);
            reason = "internal error";
            connection.writeQuietly(ReplyTexts.internalError(settings.myhostname()));
        }
    }

    /** The connect stage: smtpd_client_restrictions (unless delayed to RCPT), the milters, then the banner. */
    private void greet() throws IOException {
        accessDenied = null;
        Decision decision = checks.check(Stage.CONNECT, state.context(null, null));
        if (decision instanceof Decision.Refuse refuse) {
            accessDenied = refuse.reply();
            log.reject(SessionIo.AFTER_CONNECT, refuse.reply(), null, null);
            io.reply(refuse.reply());
            errorCount++;
            return;
        }
        MilterFacts.Client client = state.milterClient();
        MilterReply milter = checks.milterSession("CONNECT", m -> m.connect(client));
        switch (milter) {
            case MilterReply.Reject r -> {
                // Postfix: the banner refuses; the milter goes on refusing each MAIL FROM.
                io.reply(SmtpdTexts.milterRefusedConnection(settings.myhostname()));
                errorCount++;
            }
            case MilterReply.Shutdown s -> {
                io.reply(SmtpdTexts.milterShutdownAtConnect(settings.myhostname()));
                closing = true;
            }
            default -> io.reply(ReplyTexts.banner(settings.banner()));
        }
    }

    private void handle(InputLine line) throws IOException {
        if (line.ending() == LineEnding.BARE_LF && settings.refusesBareNewline(state.clientAddress())) {
            io.reply(ReplyTexts.bareNewline(settings.bareNewlineRejectCode()));
            closing = true;
            return;
        }
        if (line.tooLong()) {
            counts.record("unknown", false);
            errorCount++;
            io.reply(ReplyTexts.LINE_TOO_LONG);
            return;
        }
        if (!line.isValidUtf8()) {
            errorCount++;
            io.reply(ReplyTexts.BAD_UTF8);
            return;
        }
        Command command = Command.parse(line.text());
        if (command.verb().isEmpty()) {
            errorCount++;
            io.reply(ReplyTexts.BAD_SYNTAX);
            return;
        }
        Verb verb = Verb.lookup(command.verb());
        if (verb == null) {
            where = "UNKNOWN";
            counts.record("unknown", false);
            errorCount++;
            // Postfix lets a milter's 4xx answer an unknown command, and keeps its own 5xx otherwise.
            MilterReply milter = checks.unknown(line.text());
            io.reply(milter instanceof MilterReply.TempFail(var reply) ? reply : ReplyTexts.NOT_RECOGNIZED);
            return;
        }
        if (accessDenied != null && verb != Verb.QUIT) {
            errorCount++;
            io.reply(ReplyTexts.accessDenied(state.nameAndAddress()));
            return;
        }
        where = verb.name();
        SmtpReply milterRefusal = checks.sessionRefusal();
        if (milterRefusal != null
                && (verb == Verb.AUTH || verb == Verb.STARTTLS || verb == Verb.VRFY || verb == Verb.ETRN)) {
            // A milter refused the connection or HELO: Postfix's smtpd answers these with it too.
            counts.record(verb.countName(), false);
            errorCount++;
            io.reply(milterRefusal);
            return;
        }
        if (security.requireTls() && !state.encrypted() && verb.needsTlsFirst()) {
            counts.record(verb.countName(), false);
            errorCount++;
            io.reply(ReplyTexts.MUST_STARTTLS);
            return;
        }
        if (pipelinedTooEarly(verb) && settings.forbidUnauthPipelining()) {
            io.reply(ReplyTexts.PROTOCOL_SYNCHRONIZATION);
            closing = true;
            return;
        }
        boolean ok = dispatch(verb, command);
        if (verb == Verb.XCLIENT && ok) {
            // Postfix: a new session for the named client, judged and greeted again (220); the
            // milters end the old client's session and are chosen and connected anew for this one.
            closeMilters();
            if (openMilters()) {
                greet();
            }
        }
        if (checks.shutdownRequested()) {
            // A milter's 421: the reply has gone out; the session ends.
            closing = true;
        }
        counts.record(verb.countName(), ok);
        if (!ok) {
            errorCount++;
        }
        if (verb.limited && junkCommands++ > settings.junkCommandLimit()) {
            errorCount++;
        }
    }

    /**
     * RFC 2920 §3.1: a client may not send past a command that ends a group before our reply, nor
     * pipeline at all before EHLO. Logged once, as Postfix does; the flag feeds
     * reject_unauth_pipelining.
     */
    private boolean pipelinedTooEarly(Verb verb) {
        if (state.improperPipelining() || !(verb.lastInGroup || !state.extended()) || !connection.input().hasBufferedInput()) {
            return false;
        }
        state.pipelinedImproperly();
        logger.info("improper command pipelining after " + verb.name() + " from " + state.nameAndAddress() + ": "
                + connection.input().peekBuffered(100));
        return true;
    }

    /** Each verb to its handler; true when the command succeeded. */
    private boolean dispatch(Verb verb, Command command) throws IOException {
        return switch (verb) {
            case HELO -> helo.helo(command);
            case EHLO -> helo.ehlo(command);
            case STARTTLS -> startTls.execute(command);
            case AUTH -> auth.execute(command);
            case MAIL -> mail.mail(command);
            case RCPT -> mail.rcpt(command);
            case DATA -> mail.data(command);
            case BDAT -> mail.bdat(command);
            case RSET -> basic.rset(command);
            case NOOP -> basic.noop(command);
            case VRFY -> basic.vrfy(command);
            case ETRN -> basic.etrn(command);
            case QUIT -> basic.quit(command);
            case XCLIENT -> xclient.xclient(command);
            case XFORWARD -> xclient.xforward(command);
        };
    }

    /** The address as Postfix logs it: IPv6 in its compressed form (RFC 5952), without a scope. */
    static String printable(InetAddress address) {
        return IpAddresses.format(address);
    }

    /** The loop's face toward the verb handlers. */
    private final class Io implements SessionIo {

        @Override
        public void reply(SmtpReply reply) throws IOException {
            if (!reply.isPositive() && errorCount >= settings.softErrorLimit() && !settings.errorSleep().isZero()) {
                connection.flush();
                try {
                    Thread.sleep(settings.errorSleep());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
            }
            connection.write(reply);
        }

        @Override
        public void flush() throws IOException {
            connection.flush();
        }

        @Override
        public SmtpInput input() {
            return connection.input();
        }

        @Override
        public void contentFollows() {
            connection.contentFollows();
        }

        @Override
        public void reached(String point) {
            where = point;
        }

        @Override
        public void closeAfterReply() {
            closing = true;
        }

        @Override
        public void connectionLost() {
            closing = true;
            reason = "lost connection";
        }

        @Override
        public void forgiveErrors() {
            errorCount = 0;
        }

        @Override
        public Socket socket() {
            return connection.socket();
        }

        @Override
        public void switchTo(Socket newConnection) throws IOException {
            connection.switchTo(newConnection);
        }
    }
}
