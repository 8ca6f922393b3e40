package org.bulwark.smtpd;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.bulwark.anvil.Anvil;
import org.bulwark.cleanup.CleanupSession;
import org.bulwark.cleanup.MessageRejectedException;
import org.bulwark.cleanup.MilterOutcome;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.QueueId;
import org.bulwark.mail.Recipient;
import org.bulwark.mail.SmtpReply;
import org.bulwark.milter.MilterFacts;
import org.bulwark.protocol.BareNewline;
import org.bulwark.protocol.BdatArguments;
import org.bulwark.protocol.Command;
import org.bulwark.protocol.ContentSink;
import org.bulwark.protocol.DataReader;
import org.bulwark.protocol.MailParameters;
import org.bulwark.protocol.PathArgument;
import org.bulwark.protocol.ProtocolException;
import org.bulwark.protocol.RcptParameters;
import org.bulwark.protocol.ReplyTexts;
import org.bulwark.restrict.Decision;
import org.bulwark.restrict.Stage;

/**
 * MAIL, RCPT, DATA and BDAT: each checks syntax, asks the restrictions, then acts, as Postfix's
 * smtpd does. No 250 goes out for a message before its queue file is committed.
 */
final class MailCommands {

    private final SmtpdSettings settings;
    private final SecuritySettings security;
    private final Anvil anvil;
    private final MessageIntake intake;
    private final SessionState state;
    private final SessionChecks checks;
    private final SessionLog log;
    private final SessionIo io;

    MailCommands(SmtpdSettings settings, SecuritySettings security, Anvil anvil, MessageIntake intake,
            SessionState state, SessionChecks checks, SessionLog log, SessionIo io) {
        this.settings = settings;
        this.security = security;
        this.anvil = anvil;
        this.intake = intake;
        this.state = state;
        this.checks = checks;
        this.log = log;
        this.io = io;
    }

    boolean mail(Command command) throws IOException {
        if (settings.heloRequired() && state.helo() == null) {
            return io.fail(ReplyTexts.SEND_HELO_FIRST);
        }
        if (state.inTransaction()) {
            return io.fail(ReplyTexts.NESTED_MAIL);
        }
        MailAddress sender;
        MailAddress givenSender;
        MailParameters parameters;
        PathArgument path;
        try {
            path = PathArgument.parseMail(command.argument(), settings.strictRfc821Envelopes());
            parameters = MailParameters.parse(path.parameters(), settings.offers("DSN"), settings.smtputf8Enable());
            if (path.nonAscii() && !parameters.smtputf8()) {
                return io.fail(ReplyTexts.UNDECLARED_UTF8);
            }
            givenSender = path.address();
            sender = settings.qualify(givenSender);
        } catch (ProtocolException e) {
            return io.fail(e.reply());
        }
        if (settings.messageSizeLimit() > 0 && parameters.size() > settings.messageSizeLimit()) {
            return io.fail(ReplyTexts.SIZE_EXCEEDS_LIMIT);
        }
        long usable = settings.queueSpace().shortfall(parameters.size());
        if (usable >= 0) {
            log.warning(SmtpdTexts.notEnoughQueueSpace(usable));
            log.reject("MAIL", ReplyTexts.INSUFFICIENT_STORAGE, givenSender, null);
            return io.fail(ReplyTexts.INSUFFICIENT_STORAGE);
        }
        SmtpReply tooMuchMail = anvil.message(state.clientAddress(), state.nameAndAddress());
        if (tooMuchMail != null) {
            return io.fail(tooMuchMail);
        }
        // The transaction starts before its check, which sees SIZE= and the sender as given.
        Transaction pending = state.transactionStarted(sender, givenSender, parameters);
        MilterFacts.Address milterSender = MilterFacts.Address.of(givenSender.external());
        List<String> esmtp = path.parameters();
        Decision decision = checks.check(Stage.MAIL, state.context(sender, null), "MAIL",
                m -> m.mail(milterSender, esmtp, state.milterAuth()));
        pending.apply(decision.actions());
        if (decision instanceof Decision.Refuse refuse) {
            state.transactionEnded();
            log.reject("MAIL", refuse.reply(), givenSender, null);
            return io.fail(refuse.reply());
        }
        return io.respond(ReplyTexts.SENDER_OK);
    }

    boolean rcpt(Command command) throws IOException {
        Transaction tx = state.transaction();
        if (tx == null) {
            return io.fail(ReplyTexts.NEED_MAIL);
        }
        PathArgument path;
        RcptParameters parameters;
        try {
            path = PathArgument.parseRcpt(command.argument(), settings.strictRfc821Envelopes());
            parameters = RcptParameters.parse(path.parameters(), settings.offers("DSN"));
        } catch (ProtocolException e) {
            return io.fail(e.reply());
        }
        if (path.nonAscii() && !tx.parameters().smtputf8()) {
            return io.fail(ReplyTexts.UNDECLARED_UTF8);
        }
        if (settings.recipientLimit() > 0 && tx.recipientCount() >= settings.recipientLimit()) {
            io.reply(ReplyTexts.TOO_MANY_RECIPIENTS);
            // Postfix forgives a few recipients over the limit before it counts them as errors.
            return tx.overshootForgiven(settings.recipientOvershootLimit());
        }
        SmtpReply tooManyRecipients = anvil.recipient(state.clientAddress(), state.nameAndAddress());
        if (tooManyRecipients != null) {
            return io.fail(tooManyRecipients);
        }
        MailAddress givenRecipient = path.address();
        MailAddress recipient = settings.qualify(givenRecipient);
        MilterFacts.Address milterRecipient = MilterFacts.Address.of(givenRecipient.external());
        List<String> esmtp = path.parameters();
        Decision decision = checks.check(Stage.RCPT,
                state.context(tx.sender(), recipient).withGivenAddresses(tx.givenSender(), givenRecipient));
        if (decision.accepted()) {
            decision = checks.milter(decision, "RCPT", tx.givenSender(), givenRecipient,
                    m -> m.rcpt(milterRecipient, esmtp));
        } else if (decision instanceof Decision.Refuse refused) {
            // Postfix tells the milters that asked (SMFIP_RCPT_REJ) of a recipient its own restrictions refused.
            checks.restrictionsRefused(m -> m.rejectedRcpt(givenRecipient.external(), esmtp, refused.reply()));
        }
        tx.apply(decision.actions());
        if (decision instanceof Decision.Refuse refuse) {
            log.reject("RCPT", refuse.reply(), tx.givenSender(), givenRecipient);
            return io.fail(refuse.reply());
        }
        String original = parameters.orcpt() != null ? parameters.orcpt() : path.original();
        tx.recipientAccepted(new Recipient(recipient, original, parameters.dsnNotify()));
        return io.respond(ReplyTexts.RECIPIENT_OK);
    }

    boolean data(Command command) throws IOException {
        Transaction tx = state.transaction();
        if (tx == null) {
            return io.fail(ReplyTexts.NEED_RCPT);
        }
        if (tx.recipientCount() == 0) {
            return io.fail(ReplyTexts.NO_VALID_RECIPIENTS);
        }
        if (command.hasArgument()) {
            return io.fail(ReplyTexts.DATA_SYNTAX);
        }
        if (tx.chunking()) {
            return io.fail(ReplyTexts.DATA_AFTER_BDAT);
        }
        boolean opened;
        if (checks.messageMilters() != null) {
            // The milters' DATA stage comes before the 354 and with the queue ID, so after the file is made.
            if (!startContent(tx)) {
                return false;
            }
            io.reply(ReplyTexts.START_DATA);
            opened = true;
        } else {
            if (!dataStageAllows(tx)) {
                return false;
            }
            // Nothing waits on the queue file: it is made while the client sends its first lines,
            // a round trip sooner than after it. Should it fail, the content is read and dropped
            // and the reply after the dot says so.
            io.reply(ReplyTexts.START_DATA);
            io.flush();
            opened = openQueueFile(tx);
        }
        io.reached(SessionIo.IN_DATA);
        BareNewline mode = settings.bareNewline() == BareNewline.REJECT
                && !settings.refusesBareNewline(state.clientAddress())
                ? BareNewline.NORMALIZE : settings.bareNewline();
        DataReader reader = new DataReader(mode, settings.lineLengthLimit());
        io.contentFollows();
        DataReader.Outcome outcome = reader.read(io.input(),
                opened ? tx.content() : new ContentSink(OutputStream.nullOutputStream(), 0));
        io.reached(SessionIo.AFTER_DOT);
        if (!opened) {
            return io.fail(ReplyTexts.QUEUE_WRITE_ERROR);
        }
        if (outcome == DataReader.Outcome.BARE_NEWLINE) {
            state.transactionEnded();
            io.closeAfterReply();
            return io.fail(ReplyTexts.bareNewline(settings.bareNewlineRejectCode()));
        }
        return finish(tx);
    }

    boolean bdat(Command command) throws IOException {
        BdatArguments chunk;
        try {
            chunk = BdatArguments.parse(command.argument());
        } catch (ProtocolException e) {
            // Without a valid size the chunk cannot be skipped; the client is out of step for good.
            io.closeAfterReply();
            return io.fail(e.reply());
        }
        Transaction tx = state.transaction();
        if (tx == null || tx.recipientCount() == 0) {
            io.input().readExactly(chunk.size(), (b, o, n) -> { });
            return io.fail(tx == null ? ReplyTexts.NEED_RCPT : ReplyTexts.NO_VALID_RECIPIENTS);
        }
        if (!tx.chunking()) {
            tx.chunkingStarted();
            if (!startContent(tx)) {
                io.input().readExactly(chunk.size(), (b, o, n) -> { });
                state.transactionEnded();
                return false;
            }
        }
        ContentSink content = tx.content();
        io.contentFollows();
        io.input().readExactly(chunk.size(), content::write);
        if (!chunk.last()) {
            return io.respond(ReplyTexts.chunkReceived(chunk.size()));
        }
        io.reached(SessionIo.AFTER_DOT);
        return finish(tx);
    }

    /** The DATA stage check, the queue file and the milters' DATA stage; false (with the reply sent) when one refuses. */
    private boolean startContent(Transaction tx) throws IOException {
        if (!dataStageAllows(tx)) {
            return false;
        }
        if (!openQueueFile(tx)) {
            return io.fail(ReplyTexts.QUEUE_WRITE_ERROR);
        }
        // The milters' DATA stage comes with the queue ID (macro i), so after the file is made.
        String id = tx.queueId().value();
        Decision milter = checks.milter(Decision.DUNNO, "DATA", tx.givenSender(), tx.firstRecipient(), m -> m.data(id));
        tx.apply(milter.actions());
        if (milter instanceof Decision.Refuse refuse) {
            log.reject("DATA", refuse.reply(), tx.givenSender(), tx.firstRecipient());
            state.transactionEnded();
            return io.fail(refuse.reply());
        }
        return true;
    }

    /** The DATA stage restrictions; false (with the reply sent) when they refuse. */
    private boolean dataStageAllows(Transaction tx) throws IOException {
        Decision decision = checks.check(Stage.DATA, state.context(tx.sender(), tx.firstRecipient()));
        tx.apply(decision.actions());
        if (decision instanceof Decision.Refuse refuse) {
            log.reject("DATA", refuse.reply(), tx.givenSender(), tx.firstRecipient());
            return io.fail(refuse.reply());
        }
        return true;
    }

    /** Makes the queue file; false, logged and with the transaction ended, when it cannot be made. */
    private boolean openQueueFile(Transaction tx) {
        Envelope envelope = tx.envelope(state.clientInfo(security), settings.contentFilter());
        try {
            tx.contentStarted(intake.open(envelope, checks.messageMilters()), settings.messageSizeLimit());
            return true;
        } catch (IOException | RuntimeException e) {
            log.warning("cannot create queue file for message from " + state.nameAndAddress() + ": " + e);
            state.transactionEnded();
            return false;
        }
    }

    /** End of content: size, write failures, end-of-data restrictions, then the commit and 250. */
    private boolean finish(Transaction tx) throws IOException {
        CleanupSession message = tx.message();
        String id = message.queueId().value();
        ContentSink content = tx.content();
        if (content.tooBig()) {
            log.warning(id + ": queue file size limit exceeded");
            state.transactionEnded();
            return io.fail(ReplyTexts.MESSAGE_FILE_TOO_BIG);
        }
        if (content.failure() != null) {
            log.warning(id + ": queue file write error: " + content.failure().getMessage());
            state.transactionEnded();
            return io.fail(ReplyTexts.QUEUE_WRITE_ERROR);
        }
        Decision decision = checks.check(Stage.END_OF_DATA,
                state.context(tx.sender(), tx.firstRecipient(), content.received()));
        if (decision instanceof Decision.Refuse refuse) {
            log.reject(SessionIo.AFTER_DOT, refuse.reply(), tx.givenSender(), tx.firstRecipient());
            state.transactionEnded();
            return io.fail(refuse.reply());
        }
        for (String header : tx.applyAfterContent(decision.actions(), state.clientInfo(security),
                settings.contentFilter())) {
            log.warning(id + ": " + SmtpdTexts.prependTooLate(header));
        }
        if (tx.discarded()) {
            // access(5) DISCARD: the client hears that the message was queued; nothing is kept.
            state.transactionEnded();
            log.info(id + ": discarded, as an access table or policy service said");
            return io.respond(ReplyTexts.queued(id));
        }
        QueueId queued;
        try {
            queued = message.commit();
        } catch (MessageRejectedException e) {
            if (e.byMilter()) {
                // Postfix's cleanup logs the milter's reply text without its code.
                log.milter("milter-reject", "END-OF-MESSAGE", e.reply().text(), tx.givenSender(), tx.firstRecipient());
                if (e.reply().code() == 421) {
                    io.closeAfterReply();
                }
            } else if (!e.logged()) {
                // Header and body checks log their own line, as Postfix's cleanup does; smtpd adds none.
                log.reject(SessionIo.AFTER_DOT, e.reply(), tx.givenSender(), tx.firstRecipient());
            }
            state.transactionEnded();
            return io.fail(e.reply());
        } catch (IOException | RuntimeException e) {
            log.warning(id + ": queue file write error: " + e.getMessage());
            state.transactionEnded();
            return io.fail(ReplyTexts.QUEUE_WRITE_ERROR);
        }
        MilterOutcome milter = message.milterOutcome();
        if (milter != null && milter.kind() == MilterOutcome.Kind.DISCARDED) {
            log.milter("milter-discard", "END-OF-MESSAGE", SmtpdTexts.MILTER_DISCARD, tx.givenSender(),
                    tx.firstRecipient());
        } else if (milter != null && milter.kind() == MilterOutcome.Kind.HELD) {
            log.milter("milter-hold", "END-OF-MESSAGE", milter.reason(), tx.givenSender(), tx.firstRecipient());
        }
        tx.committed();
        state.transactionEnded();
        io.forgiveErrors();
        return io.respond(ReplyTexts.queued(queued.value()));
    }
}
