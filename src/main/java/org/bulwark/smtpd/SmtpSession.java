package org.bulwark.smtpd;

import org.bulwark.util.IpAddresses;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.bulwark.anvil.Anvil;
import org.bulwark.dns.ClientNames;
import org.bulwark.log.MailLog;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.SmtpReply;
import org.bulwark.protocol.BareNewline;
import org.bulwark.protocol.Command;
import org.bulwark.protocol.InputLine;
import org.bulwark.protocol.LineEnding;
import org.bulwark.protocol.PathArgument;
import org.bulwark.protocol.Replies;
import org.bulwark.protocol.SmtpInput;
import org.bulwark.restrict.Decision;
import org.bulwark.restrict.SmtpdContext;
import org.bulwark.restrict.Stage;

/**
 * One SMTP conversation on one virtual thread: greeting, the command loop, error limits, and the
 * log lines Postfix writes for it. The mail transaction commands live in {@link MailCommands}.
 */
final class SmtpSession implements Runnable {

    /** Where the conversation stands, for "lost connection after X" lines (Postfix's names). */
    static final String AFTER_CONNECT = "CONNECT";
    static final String IN_DATA = "DATA";
    static final String AFTER_DOT = "END-OF-MESSAGE";

    final SmtpdSettings settings;
    final MailLog.Logger log;
    final RestrictionCheck restrictions;
    final MessageIntake intake;
    final SecuritySettings security;
    final Anvil anvil;
    private final Socket socket;
    private final ClientNameLookup names;
    private final CommandCounts counts = new CommandCounts();
    private final MailCommands mail;
    private final StartTlsCommand startTls;
    private final AuthCommand auth;

    /** The connection in use: the accepted socket, or the TLS socket layered on it. */
    Socket connection;
    OutputStream out;
    SmtpInput in;
    /** smtpd_per_request_deadline; null when off (then smtpd_timeout limits each read). */
    private RequestDeadline deadline;
    InetAddress clientAddress;
    String clientName = "unknown";
    ClientNames clientNames = ClientNames.NONE;
    String clientIp;
    String helo;
    String protocol = "SMTP";
    Transaction transaction;
    String where = AFTER_CONNECT;
    boolean improperPipelining;
    int errorCount;
    private int junkCommands;
    private SmtpReply accessDenied;
    private String reason;
    boolean closing;
    /** What TLS agreed on, or {@code null} while the session is in plaintext. */
    org.bulwark.tls.TlsSummary tls;
    String saslUsername;
    String saslMethod;

    SmtpSession(Socket socket, SmtpdSettings settings, SecuritySettings security, ClientNameLookup names,
            RestrictionCheck restrictions, MessageIntake intake, MailLog.Logger log, Anvil anvil) {
        this.socket = socket;
        this.connection = socket;
        this.security = security;
        this.anvil = anvil;
        this.settings = settings;
        this.names = names;
        this.restrictions = restrictions;
        this.intake = intake;
        this.log = log;
        this.mail = new MailCommands(this);
        this.startTls = new StartTlsCommand(this);
        this.auth = new AuthCommand(this);
    }

    String nameAndAddress() {
        return clientName + "[" + clientIp + "]";
    }

    @Override
    public void run() {
        try (socket) {
            clientAddress = socket.getInetAddress();
            clientIp = printable(clientAddress);
            if (settings.peernameLookup()) {
                clientName = lookUpName();
            }
            log.info("connect from " + nameAndAddress());
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis()));
            SmtpReply overLimit = anvil.connect(clientAddress, nameAndAddress());
            try {
                // RFC 8314 §3.3: in wrapper mode TLS starts before the greeting.
                if (security.wrapperMode() && !startTls.encrypt()) {
                    return;
                }
                if (tls == null) {
                    useConnection(socket);
                }
                if (overLimit != null) {
                    replyQuietly(overLimit);
                } else {
                    converse();
                }
            } finally {
                anvil.disconnect(clientAddress);
            }
        } catch (IOException e) {
            // The socket failed before the conversation began; nothing to tell the client.
        } finally {
            if (connection != socket) {
                closeQuietly(connection);
            }
            if (transaction != null) {
                transaction.abort();
            }
            if (reason != null && !(reason.equals("lost connection") && where.equals(AFTER_DOT))) {
                log.info(reason + " after " + where + " from " + nameAndAddress());
            }
            log.info("disconnect from " + nameAndAddress() + counts.summary());
        }
    }

    /** Reads and writes through this connection from now on (after a TLS handshake, the TLS socket). */
    void useConnection(Socket newConnection) throws IOException {
        connection = newConnection;
        out = new BufferedOutputStream(newConnection.getOutputStream(), 8192);
        java.io.InputStream input = newConnection.getInputStream();
        if (settings.perRequestDeadline()) {
            deadline = new RequestDeadline(input, newConnection, settings.timeout(), settings.minDataRate());
            input = deadline;
        }
        in = new SmtpInput(input, out);
    }

    /** Message content follows; with smtpd_per_request_deadline it has its own deadline. */
    void contentFollows() {
        if (deadline != null) {
            deadline.content();
        }
    }

    void endReason(String why) {
        reason = why;
    }

    String localIp() {
        return socket.getLocalAddress() == null ? null : printable(socket.getLocalAddress());
    }

    /**
     * The protocol name for the Received header and queue file: ESMTP with S for TLS and A for
     * SASL (RFC 3848), as Postfix writes it.
     */
    String receivedProtocol() {
        if (!protocol.equals("ESMTP")) {
            return protocol;
        }
        return protocol + (tls != null ? "S" : "") + (saslUsername != null ? "A" : "");
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // The connection is ending either way.
        }
    }

    /** The address as Postfix logs it: IPv6 in its compressed form (RFC 5952), without a scope. */
    static String printable(InetAddress address) {
        return IpAddresses.format(address);
    }

    private String lookUpName() {
        try {
            clientNames = names.names(clientAddress);
        } catch (RuntimeException e) {
            log.warning("hostname lookup for " + clientIp + " failed: " + e.getMessage());
            clientNames = new ClientNames(ClientNames.UNKNOWN, ClientNames.Status.TEMPORARY, ClientNames.UNKNOWN,
                    ClientNames.Status.TEMPORARY);
        }
        return clientNames.name();
    }

    private void converse() {
        try {
            greet();
            while (!closing) {
                if (errorCount >= settings.hardErrorLimit()) {
                    reason = "too many errors";
                    reply(Replies.tooManyErrors(settings.myhostname()));
                    break;
                }
                if (deadline != null) {
                    deadline.command();
                }
                InputLine line = in.readLine(settings.lineLengthLimit());
                if (line == null) {
                    reason = "lost connection";
                    break;
                }
                handle(line);
            }
            out.flush();
        } catch (Hangup e) {
            // access(5) HANGUP: no reply and no "lost connection" line; the restriction logged why.
            reason = null;
        } catch (SocketTimeoutException e) {
            reason = "timeout";
            replyQuietly(Replies.timeout(settings.myhostname()));
        } catch (IOException e) {
            reason = "lost connection";
        } catch (RuntimeException e) {
            log.warning("unexpected error in session with " + nameAndAddress() + ": " + e);
            reason = "internal error";
            replyQuietly(Replies.internalError(settings.myhostname()));
        }
    }

    private void greet() throws IOException {
        Decision decision = check(Stage.CONNECT, context(null, null), null);
        if (decision instanceof Decision.Refuse refuse) {
            accessDenied = refuse.reply();
            logReject(AFTER_CONNECT, refuse.reply(), null, null);
            reply(refuse.reply());
            errorCount++;
        } else {
            reply(Replies.banner(settings.banner()));
        }
    }

    private void handle(InputLine line) throws IOException {
        if (line.ending() == LineEnding.BARE_LF && refusesBareNewline()) {
            reply(Replies.bareNewline(settings.bareNewlineRejectCode()));
            closing = true;
            return;
        }
        if (line.tooLong()) {
            counts.record("unknown", false);
            errorCount++;
            reply(Replies.LINE_TOO_LONG);
            return;
        }
        if (!line.isValidUtf8()) {
            errorCount++;
            reply(Replies.BAD_UTF8);
            return;
        }
        Command command = Command.parse(line.text());
        if (command.verb().isEmpty()) {
            errorCount++;
            reply(Replies.BAD_SYNTAX);
            return;
        }
        Verb verb = Verb.lookup(command.verb());
        if (verb == null) {
            where = "UNKNOWN";
            counts.record("unknown", false);
            errorCount++;
            reply(Replies.NOT_RECOGNIZED);
            return;
        }
        if (accessDenied != null && verb != Verb.QUIT) {
            errorCount++;
            reply(Replies.accessDenied(nameAndAddress()));
            return;
        }
        where = verb.name();
        if (security.requireTls() && tls == null && verb.needsTlsFirst()) {
            counts.record(verb.countName(), false);
            errorCount++;
            reply(Replies.MUST_STARTTLS);
            return;
        }
        if (pipelinedTooEarly(verb) && settings.forbidUnauthPipelining()) {
            reply(Replies.PROTOCOL_SYNCHRONIZATION);
            closing = true;
            return;
        }
        boolean ok = execute(verb, command);
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
        if (improperPipelining || !(verb.lastInGroup || !protocol.equals("ESMTP")) || !in.hasBufferedInput()) {
            return false;
        }
        improperPipelining = true;
        log.info("improper command pipelining after " + verb.name() + " from " + nameAndAddress() + ": "
                + in.peekBuffered(100));
        return true;
    }

    private boolean execute(Verb verb, Command command) throws IOException {
        return switch (verb) {
            case HELO -> hello(command, false);
            case EHLO -> hello(command, true);
            case STARTTLS -> startTls.execute(command);
            case AUTH -> auth.execute(command);
            case MAIL -> mail.mail(command);
            case RCPT -> mail.rcpt(command);
            case DATA -> mail.data(command);
            case BDAT -> mail.bdat(command);
            case RSET -> rset(command);
            case NOOP -> respond(Replies.OK);
            case VRFY -> vrfy(command);
            case ETRN -> etrn(command);
            case QUIT -> {
                closing = true;
                reply(Replies.BYE);
                yield true;
            }
        };
    }

    private boolean hello(Command command, boolean extended) throws IOException {
        if (!command.hasArgument()) {
            return fail(extended ? Replies.EHLO_SYNTAX : Replies.HELO_SYNTAX);
        }
        // RFC 5321 §4.1.4: HELO/EHLO resets the state like RSET.
        resetTransaction();
        helo = command.argument();
        Decision decision = check(Stage.HELO, context(null, null), null);
        if (decision instanceof Decision.Refuse refuse) {
            logReject("HELO", refuse.reply(), null, null);
            helo = null;
            return fail(refuse.reply());
        }
        protocol = extended ? "ESMTP" : "SMTP";
        if (!extended) {
            return respond(Replies.helo(settings.myhostname()));
        }
        if (!settings.discardEhloKeywords().isEmpty() && settings.logDiscardedEhloKeywords()) {
            log.info("discarding EHLO keywords: " + String.join(" ", settings.discardEhloKeywords()));
        }
        return respond(Replies.ehlo(settings.myhostname(),
                EhloKeywords.of(settings, security, tls != null, saslUsername != null)));
    }

    private boolean rset(Command command) throws IOException {
        if (command.hasArgument()) {
            return fail(Replies.RSET_SYNTAX);
        }
        resetTransaction();
        return respond(Replies.OK);
    }

    private boolean vrfy(Command command) throws IOException {
        if (settings.disableVrfy()) {
            return fail(Replies.VRFY_DISABLED);
        }
        if (!command.hasArgument()) {
            return fail(Replies.VRFY_SYNTAX);
        }
        MailAddress address = PathArgument.parseMailbox(command.argument(), false);
        if (address == null) {
            return fail(Replies.BAD_RECIPIENT);
        }
        MailAddress given = address;
        address = qualify(address);
        MailAddress sender = transaction == null ? null : transaction.sender;
        MailAddress givenSender = transaction == null ? null : transaction.givenSender;
        Decision decision = check(Stage.RCPT, context(sender, address).withGivenAddresses(givenSender, given),
                null);
        if (decision instanceof Decision.Refuse refuse) {
            logReject("VRFY", refuse.reply(), givenSender, given);
            return fail(refuse.reply());
        }
        return respond(Replies.vrfy(command.argument()));
    }

    private boolean etrn(Command command) throws IOException {
        if (settings.heloRequired() && helo == null) {
            return fail(Replies.SEND_HELO_FIRST);
        }
        if (transaction != null) {
            return fail(Replies.ETRN_IN_TRANSACTION);
        }
        String[] words = command.words();
        if (words.length != 1) {
            return fail(Replies.ETRN_SYNTAX);
        }
        String site = words[0].startsWith("@") || words[0].startsWith("#") ? words[0].substring(1) : words[0];
        if (!site.matches("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\]")) {
            return fail(Replies.ETRN_BAD_PARAMETER);
        }
        Decision decision = check(Stage.ETRN, context(null, null), null);
        if (decision instanceof Decision.Refuse refuse) {
            logReject("ETRN", refuse.reply(), null, null);
            return fail(refuse.reply());
        }
        // No fast flush service: Postfix answers so when flush(8) is unreachable.
        return fail(Replies.ETRN_UNABLE);
    }

    // Shared with MailCommands.

    /**
     * Asks the restrictions. A HANGUP answer ends the session where it stands, as Postfix's
     * smtpd does with a quiet long jump: {@link #converse} catches it and closes without a reply.
     */
    Decision check(Stage stage, SmtpdContext context, Transaction target) {
        Decision decision = restrictions.check(stage, context);
        if (decision instanceof Decision.Hangup) {
            throw new Hangup();
        }
        if (target != null) {
            target.apply(decision.actions());
        }
        return decision;
    }

    /** Unwinds the session after an access(5) HANGUP; carries no stack trace, it is no error. */
    private static final class Hangup extends RuntimeException {
        Hangup() {
            super("hangup", null, false, false);
        }
    }

    MailAddress qualify(MailAddress address) {
        if (address.isNullSender() || address.isQualified() || !settings.appendAtMyorigin()) {
            return address;
        }
        return address.withDomain(settings.myorigin());
    }

    void resetTransaction() {
        if (transaction != null) {
            transaction.abort();
            transaction = null;
        }
    }

    SmtpdContext context(MailAddress sender, MailAddress recipient) {
        return context(sender, recipient, transaction == null ? 0 : transaction.parameters.size());
    }

    SmtpdContext context(MailAddress sender, MailAddress recipient, long size) {
        int count = transaction == null ? 0 : transaction.recipients.size();
        SmtpdContext context = new SmtpdContext(clientAddress, clientName, clientName, helo, sender, recipient,
                saslUsername, protocol, count, size, improperPipelining).withClientNames(clientNames).withTls(tls);
        return transaction == null ? context : context.withGivenAddresses(transaction.givenSender, recipient);
    }

    boolean refusesBareNewline() {
        if (settings.bareNewline() != BareNewline.REJECT) {
            return false;
        }
        return settings.bareNewlineExclusions().stream().noneMatch(net -> net.contains(clientAddress));
    }

    /**
     * Postfix's reject line: {@code NOQUEUE: reject: RCPT from host[ip]: 554 5.7.1 <x@y>: Relay
     * access denied; from=<a@b> to=<x@y> proto=ESMTP helo=<h>}.
     */
    void logReject(String stage, SmtpReply reply, MailAddress sender, MailAddress recipient) {
        String id = transaction != null && transaction.message != null
                ? transaction.message.queueId().value() : "NOQUEUE";
        StringBuilder b = new StringBuilder(id).append(": reject: ").append(stage).append(" from ")
                .append(nameAndAddress()).append(": ").append(reply).append(';');
        if (sender != null) {
            b.append(" from=<").append(sender.external()).append('>');
        }
        if (recipient != null) {
            b.append(" to=<").append(recipient.external()).append('>');
        }
        b.append(" proto=").append(protocol);
        if (helo != null) {
            b.append(" helo=<").append(helo).append('>');
        }
        log.info(b.toString());
    }

    boolean respond(SmtpReply reply) throws IOException {
        reply(reply);
        return true;
    }

    boolean fail(SmtpReply reply) throws IOException {
        reply(reply);
        return false;
    }

    /**
     * Queues a reply; it goes out when the client has nothing more waiting (RFC 2920). Past the
     * soft error limit, error replies are delayed (Postfix's smtpd_error_sleep_time tarpit).
     */
    void reply(SmtpReply reply) throws IOException {
        if (!reply.isPositive() && errorCount >= settings.softErrorLimit() && !settings.errorSleep().isZero()) {
            out.flush();
            try {
                Thread.sleep(settings.errorSleep());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        out.write(reply.wire().getBytes(StandardCharsets.UTF_8));
    }

    private void replyQuietly(SmtpReply reply) {
        try {
            out.write(reply.wire().getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException | RuntimeException e) {
            // The client is gone or stuck; the log line says why the session ended.
        }
    }
}
