package org.bulwark.smtpd;

import java.io.IOException;
import org.bulwark.mail.MailAddress;
import org.bulwark.protocol.Command;
import org.bulwark.protocol.PathArgument;
import org.bulwark.protocol.ReplyTexts;
import org.bulwark.restrict.Decision;
import org.bulwark.restrict.Stage;

/** RSET, NOOP, VRFY, ETRN and QUIT: the commands outside the mail transaction and the session's setup. */
final class BasicCommands {

    private final SmtpdSettings settings;
    private final SessionState state;
    private final SessionChecks checks;
    private final SessionLog log;
    private final SessionIo io;

    BasicCommands(SmtpdSettings settings, SessionState state, SessionChecks checks, SessionLog log, SessionIo io) {
        this.settings = settings;
        this.state = state;
        this.checks = checks;
        this.log = log;
        this.io = io;
    }

    boolean rset(Command command) throws IOException {
        if (command.hasArgument()) {
            return io.fail(ReplyTexts.RSET_SYNTAX);
        }
        state.transactionEnded();
        return io.respond(ReplyTexts.OK);
    }

    boolean noop(Command command) throws IOException {
        return io.respond(ReplyTexts.OK);
    }

    boolean quit(Command command) throws IOException {
        io.closeAfterReply();
        return io.respond(ReplyTexts.BYE);
    }

    /** VRFY: judged by the recipient restrictions like a RCPT TO; the answer never says whether the mailbox exists. */
    boolean vrfy(Command command) throws IOException {
        if (settings.disableVrfy()) {
            return io.fail(ReplyTexts.VRFY_DISABLED);
        }
        if (!command.hasArgument()) {
            return io.fail(ReplyTexts.VRFY_SYNTAX);
        }
        MailAddress given = PathArgument.parseMailbox(command.argument(), false);
        if (given == null) {
            return io.fail(ReplyTexts.BAD_RECIPIENT);
        }
        MailAddress address = settings.qualify(given);
        Transaction tx = state.transaction();
        MailAddress sender = tx == null ? null : tx.sender();
        MailAddress givenSender = tx == null ? null : tx.givenSender();
        Decision decision = checks.check(Stage.RCPT,
                state.context(sender, address).withGivenAddresses(givenSender, given));
        if (decision instanceof Decision.Refuse refuse) {
            log.reject("VRFY", refuse.reply(), givenSender, given);
            return io.fail(refuse.reply());
        }
        return io.respond(ReplyTexts.vrfy(command.argument()));
    }

    boolean etrn(Command command) throws IOException {
        if (settings.heloRequired() && state.helo() == null) {
            return io.fail(ReplyTexts.SEND_HELO_FIRST);
        }
        if (state.inTransaction()) {
            return io.fail(ReplyTexts.ETRN_IN_TRANSACTION);
        }
        String[] words = command.words();
        if (words.length != 1) {
            return io.fail(ReplyTexts.ETRN_SYNTAX);
        }
        String site = words[0].startsWith("@") || words[0].startsWith("#") ? words[0].substring(1) : words[0];
        if (!site.matches("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+\\]")) {
            return io.fail(ReplyTexts.ETRN_BAD_PARAMETER);
        }
        Decision decision = checks.check(Stage.ETRN, state.context(null, null));
        if (decision instanceof Decision.Refuse refuse) {
            log.reject("ETRN", refuse.reply(), null, null);
            return io.fail(refuse.reply());
        }
        // No fast flush service: Postfix answers so when flush(8) is unreachable.
        return io.fail(ReplyTexts.ETRN_UNABLE);
    }
}
