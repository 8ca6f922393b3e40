package org.bulwark.smtpd;

import java.io.IOException;
import org.bulwark.cleanup.CleanupSession;
import org.bulwark.cleanup.MessageRejectedException;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;
import org.bulwark.mail.Recipient;
import org.bulwark.mail.SmtpReply;
import org.bulwark.protocol.BareNewline;
import org.bulwark.protocol.BdatArguments;
import org.bulwark.protocol.Command;
import org.bulwark.protocol.ContentSink;
import org.bulwark.protocol.DataReader;
import org.bulwark.protocol.MailParameters;
import org.bulwark.protocol.PathArgument;
import org.bulwark.protocol.ProtocolException;
import org.bulwark.protocol.RcptParameters;
import org.bulwark.protocol.Replies;
import org.bulwark.restrict.Decision;
import org.bulwark.restrict.Stage;

/**
 * MAIL, RCPT, DATA and BDAT: each checks syntax, asks the restrictions, then acts, as Postfix's
 * smtpd does. No 250 goes out for a message before its queue file is committed.
 */
final class MailCommands {

    private final SmtpSession session;
    private final SmtpdSettings settings;

    MailCommands(SmtpSession session) {
        this.session = session;
        this.settings = session.settings;
    }

    boolean mail(Command command) throws IOException {
        if (settings.heloRequired() && session.helo == null) {
            return session.fail(Replies.SEND_HELO_FIRST);
        }
        if (session.transaction != null) {
            return session.fail(Replies.NESTED_MAIL);
        }
        MailAddress sender;
        MailAddress givenSender;
        MailParameters parameters;
        try {
            PathArgument path = PathArgument.parseMail(command.argument(), settings.strictRfc821Envelopes());
            parameters = MailParameters.parse(path.parameters(), settings.offers("DSN"), settings.smtputf8Enable());
            if (path.nonAscii() && !parameters.smtputf8()) {
                return session.fail(Replies.UNDECLARED_UTF8);
            }
            givenSender = path.address();
            sender = session.qualify(givenSender);
        } catch (ProtocolException e) {
            return session.fail(e.reply());
        }
        if (settings.messageSizeLimit() > 0 && parameters.size() > settings.messageSizeLimit()) {
            return session.fail(Replies.SIZE_EXCEEDS_LIMIT);
        }
        long usable = settings.queueSpace().shortfall(parameters.size());
        if (usable >= 0) {
            session.log.warning(SmtpdTexts.notEnoughQueueSpace(usable));
            session.logReject("MAIL", Replies.INSUFFICIENT_STORAGE, givenSender, null);
            return session.fail(Replies.INSUFFICIENT_STORAGE);
        }
        SmtpReply tooMuchMail = session.anvil.message(session.clientAddress, session.nameAndAddress());
        if (tooMuchMail != null) {
            return session.fail(tooMuchMail);
        }
        Transaction pending = new Transaction(sender, givenSender, parameters);
        session.transaction = pending;
        Decision decision = session.check(Stage.MAIL, session.context(sender, null), pending);
        if (decision instanceof Decision.Refuse refuse) {
            session.transaction = null;
            session.logReject("MAIL", refuse.reply(), givenSender, null);
            return session.fail(refuse.reply());
        }
        return session.respond(Replies.SENDER_OK);
    }

    boolean rcpt(Command command) throws IOException {
        Transaction tx = session.transaction;
        if (tx == null) {
            return session.fail(Replies.NEED_MAIL);
        }
        PathArgument path;
        RcptParameters parameters;
        try {
            path = PathArgument.parseRcpt(command.argument(), settings.strictRfc821Envelopes());
            parameters = RcptParameters.parse(path.parameters(), settings.offers("DSN"));
        } catch (ProtocolException e) {
            return session.fail(e.reply());
        }
        if (path.nonAscii() && !tx.parameters.smtputf8()) {
            return session.fail(Replies.UNDECLARED_UTF8);
        }
        if (settings.recipientLimit() > 0 && tx.recipients.size() >= settings.recipientLimit()) {
            session.reply(Replies.TOO_MANY_RECIPIENTS);
            // Postfix forgives a few recipients over the limit before it counts them as errors.
            return tx.overshoot++ < settings.recipientOvershootLimit();
        }
        SmtpReply tooManyRecipients = session.anvil.recipient(session.clientAddress, session.nameAndAddress());
        if (tooManyRecipients != null) {
            return session.fail(tooManyRecipients);
        }
        MailAddress givenRecipient = path.address();
        MailAddress recipient = session.qualify(givenRecipient);
        Decision decision = session.check(Stage.RCPT,
                session.context(tx.sender, recipient).withGivenAddresses(tx.givenSender, givenRecipient), tx);
        if (decision instanceof Decision.Refuse refuse) {
            session.logReject("RCPT", refuse.reply(), tx.givenSender, givenRecipient);
            return session.fail(refuse.reply());
        }
        String original = parameters.orcpt() != null ? parameters.orcpt() : path.original();
        tx.recipients.add(new Recipient(recipient, original, parameters.dsnNotify()));
        return session.respond(Replies.RECIPIENT_OK);
    }

    boolean data(Command command) throws IOException {
        Transaction tx = session.transaction;
        if (tx == null) {
            return session.fail(Replies.NEED_RCPT);
        }
        if (tx.recipients.isEmpty()) {
            return session.fail(Replies.NO_VALID_RECIPIENTS);
        }
        if (command.hasArgument()) {
            return session.fail(Replies.DATA_SYNTAX);
        }
        if (tx.chunking) {
            return session.fail(Replies.DATA_AFTER_BDAT);
        }
        if (!startContent(tx)) {
            return false;
        }
        session.reply(Replies.START_DATA);
        session.where = SmtpSession.IN_DATA;
        BareNewline mode = settings.bareNewline() == BareNewline.REJECT && !session.refusesBareNewline()
                ? BareNewline.NORMALIZE : settings.bareNewline();
        DataReader reader = new DataReader(mode, settings.lineLengthLimit());
        session.contentFollows();
        DataReader.Outcome outcome = reader.read(session.in, tx.content);
        session.where = SmtpSession.AFTER_DOT;
        if (outcome == DataReader.Outcome.BARE_NEWLINE) {
            session.resetTransaction();
            session.closing = true;
            return session.fail(Replies.bareNewline(settings.bareNewlineRejectCode()));
        }
        return finish(tx);
    }

    boolean bdat(Command command) throws IOException {
        BdatArguments chunk;
        try {
            chunk = BdatArguments.parse(command.argument());
        } catch (ProtocolException e) {
            // Without a valid size the chunk cannot be skipped; the client is out of step for good.
            session.closing = true;
            return session.fail(e.reply());
        }
        Transaction tx = session.transaction;
        if (tx == null || tx.recipients.isEmpty()) {
            session.in.readExactly(chunk.size(), (b, o, n) -> { });
            return session.fail(tx == null ? Replies.NEED_RCPT : Replies.NO_VALID_RECIPIENTS);
        }
        if (!tx.chunking) {
            tx.chunking = true;
            if (!startContent(tx)) {
                session.in.readExactly(chunk.size(), (b, o, n) -> { });
                session.resetTransaction();
                return false;
            }
        }
        ContentSink content = tx.content;
        session.contentFollows();
        session.in.readExactly(chunk.size(), content::write);
        if (!chunk.last()) {
            return session.respond(Replies.chunkReceived(chunk.size()));
        }
        session.where = SmtpSession.AFTER_DOT;
        return finish(tx);
    }

    /** The DATA stage check and the queue file; false (with the reply sent) when either refuses. */
    private boolean startContent(Transaction tx) throws IOException {
        Decision decision = session.check(Stage.DATA, session.context(tx.sender, tx.firstRecipient()),
                tx);
        if (decision instanceof Decision.Refuse refuse) {
            session.logReject("DATA", refuse.reply(), tx.givenSender, tx.firstRecipient());
            return session.fail(refuse.reply());
        }
        SecuritySettings security = session.security;
        String tls = session.tls != null && security.tlsReceivedHeader() ? session.tls.describe() : null;
        ClientInfo client = new ClientInfo(session.clientName, session.clientIp, session.helo,
                session.receivedProtocol(), session.saslUsername, session.saslMethod, tls,
                security.saslAuthenticatedHeader(), session.tls == null ? null : session.tls.receivedClientComment());
        MailParameters p = tx.parameters;
        // A FILTER action overrides this service's content_filter (access(5), FILTER_README).
        Envelope envelope = new Envelope(tx.sender, tx.envelopeRecipients(), tx.arrival, client, p.body(), p.ret(),
                p.envid(), p.smtputf8(), tx.filter != null ? tx.filter : settings.contentFilter());
        try {
            tx.message = session.intake.open(envelope);
            if (tx.hold) {
                tx.message.hold();
            }
            for (String header : tx.prepended) {
                tx.message.content().write((header + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            tx.content = new ContentSink(tx.message.content(), settings.messageSizeLimit());
            return true;
        } catch (IOException | RuntimeException e) {
            session.log.warning("cannot create queue file for message from " + session.nameAndAddress() + ": " + e);
            session.resetTransaction();
            return session.fail(Replies.QUEUE_WRITE_ERROR);
        }
    }

    /** End of content: size, write failures, end-of-data restrictions, then the commit and 250. */
    private boolean finish(Transaction tx) throws IOException {
        CleanupSession message = tx.message;
        String id = message.queueId().value();
        ContentSink content = tx.content;
        if (content.tooBig()) {
            session.log.warning(id + ": queue file size limit exceeded");
            session.resetTransaction();
            return session.fail(Replies.MESSAGE_FILE_TOO_BIG);
        }
        if (content.failure() != null) {
            session.log.warning(id + ": queue file write error: " + content.failure().getMessage());
            session.resetTransaction();
            return session.fail(Replies.QUEUE_WRITE_ERROR);
        }
        Decision decision = session.check(Stage.END_OF_DATA,
                session.context(tx.sender, tx.firstRecipient(), content.received()), null);
        if (decision instanceof Decision.Refuse refuse) {
            session.logReject(SmtpSession.AFTER_DOT, refuse.reply(), tx.givenSender, tx.firstRecipient());
            session.resetTransaction();
            return session.fail(refuse.reply());
        }
        if (tx.discard) {
            // access(5) DISCARD: the client hears that the message was queued; nothing is kept.
            message.abort();
            tx.message = null;
            session.transaction = null;
            session.log.info(id + ": discarded, as an access table or policy service said");
            return session.respond(Replies.queued(id));
        }
        QueueId queued;
        try {
            queued = message.commit();
        } catch (MessageRejectedException e) {
            session.logReject(SmtpSession.AFTER_DOT, e.reply(), tx.givenSender, tx.firstRecipient());
            session.resetTransaction();
            return session.fail(e.reply());
        } catch (IOException | RuntimeException e) {
            session.log.warning(id + ": queue file write error: " + e.getMessage());
            session.resetTransaction();
            return session.fail(Replies.QUEUE_WRITE_ERROR);
        }
        tx.message = null;
        session.transaction = null;
        session.errorCount = 0;
        return session.respond(Replies.queued(queued.value()));
    }
}
