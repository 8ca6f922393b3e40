package org.bulwark.delivery.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.Recipient;
import org.bulwark.mail.SmtpReply;
import org.bulwark.protocol.Xtext;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.bulwark.queue.DeliveryRequest;
import org.bulwark.queue.DeliveryRequest.Target;
import org.bulwark.queue.QueuedMessage;

/**
 * One MAIL / RCPT / DATA transaction on an open connection (SMTP or LMTP), with every recipient's own result:
 * a 2xx after the data is {@code sent}, a 4xx at any stage {@code deferred}, a 5xx
 * {@code bounced}. With PIPELINING (RFC 2920) MAIL, the RCPTs and DATA go out in one write.
 * An address verification probe ends after the RCPT replies (Postfix's smtp_address_verify_target
 * = rcpt): each recipient's reply is its result, and RSET leaves the connection for the next
 * message; the server never sees DATA. With {@code data} the probe goes on to DATA, for servers
 * that refuse recipients only there: a 354 makes every accepted recipient deliverable and the
 * connection is dropped at once, without content, end of data or QUIT, so the server never gets a
 * message (Postfix's smtp_proto.c does the same); a refusal of DATA is the accepted recipients'
 * result.
 */
final class MailTransaction {

    /** What happened: each target's outcome, and whether the connection may carry another message. */
    record Result(List<Outcome> outcomes, boolean reusable) {
    }

    private final SmtpConnection connection;
    private final SmtpSettings settings;

    MailTransaction(SmtpConnection connection, SmtpSettings settings) {
        this.connection = connection;
        this.settings = settings;
    }

    Result run(DeliveryRequest request) throws SessionFailure {
        QueuedMessage message = request.message();
        Envelope envelope = message.envelope();
        List<Target> targets = request.targets();
        String relay = connection.relay();
        String peer = connection.peer();

        long limit = connection.sizeLimit();
        if (limit > 0 && message.contentSize() > limit) {
            // RFC 1870 §6: do not send what the server said it will refuse.
            return new Result(all(targets, Status.BOUNCED, relay, "5.3.4",
                    SmtpTexts.sizeExceeded(message.contentSize(), limit, peer)), true);
        }
        boolean utf8 = envelope.smtputf8() && connection.supports("SMTPUTF8");
        if (!utf8 && needsUtf8(envelope, targets)) {
            // RFC 6531 §3.2: without the extension, such addresses cannot be sent.
            return new Result(all(targets, Status.BOUNCED, relay, "5.6.7", SmtpTexts.smtputf8Required(peer)), true);
        }
        boolean probe = envelope.probe();
        boolean pipelining = connection.supports("PIPELINING");
        boolean dsn = connection.supports("DSN");

        if (settings.sendXforward() && connection.supports("XFORWARD")) {
            forwardClient(message);
        }
        connection.write(mailCommand(envelope, message.contentSize(), utf8, dsn));
        if (!pipelining) {
            connection.flush(SmtpTexts.STAGE_MAIL);
            SmtpReply mail = connection.read(settings.timeouts().mail(), SmtpTexts.STAGE_MAIL);
            if (!mail.isPositive()) {
                return new Result(all(targets, status(mail), relay, SmtpConnection.dsn(mail),
                        SmtpTexts.hostSaid(peer, mail.toString(), "MAIL FROM")), connection.reset());
            }
        }
        for (Target target : targets) {
            connection.write(rcptCommand(target, dsn));
        }
        boolean probeEndsAtRcpt = probe && !settings.verifyAtData();
        if (pipelining) {
            if (!probeEndsAtRcpt) {
                connection.write("DATA");
            }
            connection.flush(SmtpTexts.STAGE_MAIL);
            SmtpReply mail = connection.read(settings.timeouts().mail(), SmtpTexts.STAGE_MAIL);
            List<SmtpReply> rcpts = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                rcpts.add(connection.read(settings.timeouts().rcpt(), SmtpTexts.STAGE_RCPT));
            }
            SmtpReply data = probeEndsAtRcpt ? null : connection.read(settings.timeouts().dataInit(), SmtpTexts.STAGE_DATA);
            if (!mail.isPositive()) {
                boolean synced = data == null || data.code() != 354;
                if (!synced && probe) {
                    // The server waits for content a probe never sends: nothing more may go on this connection.
                    connection.closeQuietly();
                }
                return new Result(all(targets, status(mail), relay, SmtpConnection.dsn(mail),
                        SmtpTexts.hostSaid(peer, mail.toString(), "MAIL FROM")), synced && connection.reset());
            }
            return probeEndsAtRcpt ? probed(targets, rcpts, relay, peer)
                    : probe ? probedAtData(targets, rcpts, data, relay, peer)
                    : afterRecipients(message, targets, rcpts, data, relay, peer);
        }
        connection.flush(SmtpTexts.STAGE_RCPT);
        List<SmtpReply> rcpts = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            rcpts.add(connection.read(settings.timeouts().rcpt(), SmtpTexts.STAGE_RCPT));
        }
        if (probeEndsAtRcpt) {
            return probed(targets, rcpts, relay, peer);
        }
        if (rcpts.stream().noneMatch(SmtpReply::isPositive)) {
            return afterRecipients(message, targets, rcpts, null, relay, peer);
        }
        SmtpReply data = connection.command("DATA", settings.timeouts().dataInit(), SmtpTexts.STAGE_DATA);
        return probe ? probedAtData(targets, rcpts, data, relay, peer)
                : afterRecipients(message, targets, rcpts, data, relay, peer);
    }

    /**
     * XFORWARD (Postfix's XFORWARD_README): the message's original client, so that a content
     * filter's reinjection logs it and puts it in the Received header. Two commands, as Postfix
     * sends them (name and address, then protocol, HELO, queue ID and source), each with only the
     * attributes the server announced and this message knows. A refusal changes nothing: the
     * server then records this host as the client.
     */
    private void forwardClient(QueuedMessage message) throws SessionFailure {
        var client = message.envelope().client();
        Set<String> offered = Set.copyOf(Arrays.asList(
                connection.extension("XFORWARD").toUpperCase(Locale.ROOT).split("\\s+")));
        StringBuilder first = new StringBuilder();
        StringBuilder second = new StringBuilder();
        if (client != null) {
            xforwardAttribute(first, offered, "NAME", known(client.name()));
            xforwardAttribute(first, offered, "ADDR", known(client.address()));
            xforwardAttribute(second, offered, "PROTO", known(client.protocol()));
            xforwardAttribute(second, offered, "HELO", client.helo());
        }
        xforwardAttribute(second, offered, "IDENT", message.id().toString());
        xforwardAttribute(second, offered, "SOURCE",
                client == null || client.isLocalSubmission() ? "LOCAL" : "REMOTE");
        for (StringBuilder command : List.of(first, second)) {
            if (!command.isEmpty()) {
                connection.command("XFORWARD" + command, settings.xforwardTimeout(), SmtpTexts.STAGE_XFORWARD);
            }
        }
    }

    private static void xforwardAttribute(StringBuilder command, Set<String> offered, String name,
            String value) {
        if (value != null && offered.contains(name)) {
            command.append(' ').append(name).append('=').append(Xtext.encode(value));
        }
    }

    /** Postfix does not forward a name, address or protocol it does not know. */
    private static String known(String value) {
        return value == null || value.isEmpty() || value.equalsIgnoreCase("unknown") ? null : value;
    }

    /** A probe's results: each RCPT reply, as Postfix's smtp_rcpt_done and smtp_rcpt_fail report them. */
    private Result probed(List<Target> targets, List<SmtpReply> rcpts, String relay, String peer) throws SessionFailure {
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            SmtpReply r = rcpts.get(i);
            out.add(r.isPositive()
                    ? new Outcome(targets.get(i), Status.SENT, relay, SmtpConnection.dsn(r), r.toString())
                    : new Outcome(targets.get(i), status(r), relay, SmtpConnection.dsn(r),
                            SmtpTexts.hostSaid(peer, r.toString(), "RCPT TO")));
        }
        // RSET only to keep the connection for the next message; otherwise the caller says QUIT.
        return new Result(out, settings.connectionCache() && connection.reset());
    }

    /**
     * A probe's results with smtp_address_verify_target = data: a refused recipient keeps its RCPT
     * reply; the accepted ones get the DATA reply, deliverable (as 2.0.0) when it is 354. After a
     * 354 the server waits for content that must never come: the connection is closed unceremoniously,
     * as Postfix does, since nothing more may be sent or read on it.
     */
    private Result probedAtData(List<Target> targets, List<SmtpReply> rcpts, SmtpReply data, String relay, String peer)
            throws SessionFailure {
        boolean started = data.code() / 100 == 3;
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            SmtpReply r = rcpts.get(i);
            Target t = targets.get(i);
            if (!r.isPositive()) {
                out.add(new Outcome(t, status(r), relay, SmtpConnection.dsn(r), SmtpTexts.hostSaid(peer, r.toString(), "RCPT TO")));
            } else if (started) {
                out.add(new Outcome(t, Status.SENT, relay, "2.0.0", data.toString()));
            } else {
                out.add(new Outcome(t, status(data), relay, SmtpConnection.dsn(data),
                        SmtpTexts.hostSaid(peer, data.toString(), "DATA")));
            }
        }
        if (started) {
            connection.closeQuietly();
            return new Result(out, false);
        }
        return new Result(out, settings.connectionCache() && connection.reset());
    }

    private Result afterRecipients(QueuedMessage message, List<Target> targets, List<SmtpReply> rcpts,
            SmtpReply data, String relay, String peer) throws SessionFailure {
        Map<Target, Outcome> outcomes = new LinkedHashMap<>();
        List<Target> accepted = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            SmtpReply r = rcpts.get(i);
            if (r.isPositive()) {
                accepted.add(targets.get(i));
            } else {
                outcomes.put(targets.get(i), new Outcome(targets.get(i), status(r), relay, SmtpConnection.dsn(r),
                        SmtpTexts.hostSaid(peer, r.toString(), "RCPT TO")));
            }
        }
        if (accepted.isEmpty()) {
            boolean synced = data == null || data.code() != 354;
            return new Result(ordered(targets, outcomes), synced && connection.reset());
        }
        if (data.code() != 354) {
            for (Target t : accepted) {
                outcomes.put(t, new Outcome(t, status(data), relay, SmtpConnection.dsn(data),
                        SmtpTexts.hostSaid(peer, data.toString(), "DATA")));
            }
            return new Result(ordered(targets, outcomes), connection.reset());
        }
        sendContent(message);
        SmtpReply done = null;
        for (int i = 0; i < accepted.size(); i++) {
            Target t = accepted.get(i);
            // RFC 2033 §4.2: an LMTP server answers the end of data once per accepted recipient, in order.
            if (done == null || connection.lmtp()) {
                try {
                    done = connection.read(settings.timeouts().dataDone(), SmtpTexts.STAGE_DATA_DONE);
                } catch (SessionFailure f) {
                    if (i == 0) {
                        throw f;
                    }
                    // The server went away part way through its replies: those it answered keep
                    // their result, the others are deferred (perhaps a duplicate, never a loss).
                    for (Target rest : accepted.subList(i, accepted.size())) {
                        outcomes.put(rest, new Outcome(rest, Status.DEFERRED, relay, f.dsn(), f.text()));
                    }
                    return new Result(ordered(targets, outcomes), false);
                }
            }
            outcomes.put(t, done.isPositive()
                    ? new Outcome(t, Status.SENT, relay, SmtpConnection.dsn(done), done.toString())
                    : new Outcome(t, status(done), relay, SmtpConnection.dsn(done),
                            SmtpTexts.hostSaid(peer, done.toString(), "end of DATA")));
        }
        return new Result(ordered(targets, outcomes), true);
    }

    /** The content with CRLF line ends and RFC 5321 §4.5.2 dot-stuffing, then the end-of-data line. */
    private void sendContent(QueuedMessage message) throws SessionFailure {
        OutputStream out = connection.output();
        try (InputStream in = message.openContent()) {
            byte[] buffer = new byte[64 * 1024];
            boolean lineStart = true;
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (lineStart && b == '.') {
                        out.write('.');
                    }
                    if (b == '\n') {
                        out.write('\r');
                    }
                    out.write(b);
                    lineStart = b == '\n';
                }
            }
            if (!lineStart) {
                out.write('\r');
                out.write('\n');
            }
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (SocketTimeoutException e) {
            throw SessionFailure.deferred(SmtpTexts.timedOut(connection.peer(), SmtpTexts.STAGE_MESSAGE), false);
        } catch (IOException e) {
            throw SessionFailure.deferred(SmtpTexts.lostConnection(connection.peer(), SmtpTexts.STAGE_MESSAGE), false);
        }
    }

    private String mailCommand(Envelope envelope, long size, boolean utf8, boolean dsn) {
        StringBuilder b = new StringBuilder("MAIL FROM:<").append(envelope.sender().external()).append('>');
        if (connection.supports("SIZE")) {
            b.append(" SIZE=").append(size);
        }
        if (envelope.body() != null && connection.supports("8BITMIME")) {
            b.append(" BODY=").append(envelope.body());
        }
        if (utf8) {
            b.append(" SMTPUTF8");
        }
        if (dsn) {
            // RFC 3461 §4.3, §4.4: passed on as received.
            if (envelope.ret() != null) {
                b.append(" RET=").append(envelope.ret());
            }
            if (envelope.envid() != null) {
                b.append(" ENVID=").append(Xtext.encode(envelope.envid()));
            }
        }
        return b.toString();
    }

    private static String rcptCommand(Target target, boolean dsn) {
        StringBuilder b = new StringBuilder("RCPT TO:<").append(target.address().external()).append('>');
        Recipient r = target.recipient().recipient();
        if (dsn) {
            if (r.dsnNotify() != null) {
                b.append(" NOTIFY=").append(r.dsnNotify());
            }
            if (r.originalRecipient() != null && !r.originalRecipient().isEmpty()) {
                String orcpt = r.originalRecipient();
                int semi = orcpt.indexOf(';');
                b.append(" ORCPT=").append(semi > 0 ? orcpt.substring(0, semi) + ";" + Xtext.encode(orcpt.substring(semi + 1))
                        : "rfc822;" + Xtext.encode(orcpt));
            }
        }
        return b.toString();
    }

    private static boolean needsUtf8(Envelope envelope, List<Target> targets) {
        if (!ascii(envelope.sender())) {
            return true;
        }
        for (Target t : targets) {
            if (!ascii(t.address())) {
                return true;
            }
        }
        return false;
    }

    private static boolean ascii(MailAddress a) {
        return a.internal().chars().allMatch(c -> c < 128);
    }

    private static Status status(SmtpReply reply) {
        return reply.isPositive() ? Status.SENT : reply.isTransient() ? Status.DEFERRED : Status.BOUNCED;
    }

    private static List<Outcome> all(List<Target> targets, Status status, String relay, String dsn, String text) {
        List<Outcome> out = new ArrayList<>();
        for (Target t : targets) {
            out.add(new Outcome(t, status, relay, dsn, text));
        }
        return out;
    }

    private static List<Outcome> ordered(List<Target> targets, Map<Target, Outcome> outcomes) {
        List<Outcome> out = new ArrayList<>();
        for (Target t : targets) {
            Outcome o = outcomes.get(t);
            if (o != null) {
                out.add(o);
            }
        }
        return out;
    }
}
