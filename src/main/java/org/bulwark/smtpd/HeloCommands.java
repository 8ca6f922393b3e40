package org.bulwark.smtpd;

import java.io.IOException;
import org.bulwark.milter.MilterReply;
import org.bulwark.protocol.Command;
import org.bulwark.protocol.ReplyTexts;
import org.bulwark.restrict.Decision;
import org.bulwark.restrict.Stage;

/** HELO and EHLO (RFC 5321 §4.1.1.1): the client's name, judged by smtpd_helo_restrictions, and the EHLO keywords. */
final class HeloCommands {

    private final SmtpdSettings settings;
    private final SecuritySettings security;
    private final SessionState state;
    private final SessionChecks checks;
    private final SessionLog log;
    private final SessionIo io;

    HeloCommands(SmtpdSettings settings, SecuritySettings security, SessionState state, SessionChecks checks,
            SessionLog log, SessionIo io) {
        this.settings = settings;
        this.security = security;
        this.state = state;
        this.checks = checks;
        this.log = log;
        this.io = io;
    }

    boolean helo(Command command) throws IOException {
        return hello(command, false);
    }

    boolean ehlo(Command command) throws IOException {
        return hello(command, true);
    }

    private boolean hello(Command command, boolean extended) throws IOException {
        if (!command.hasArgument()) {
            return io.fail(extended ? ReplyTexts.EHLO_SYNTAX : ReplyTexts.HELO_SYNTAX);
        }
        state.heloReceived(command.argument());
        Decision decision = checks.check(Stage.HELO, state.context(null, null));
        if (decision instanceof Decision.Refuse refuse) {
            log.reject("HELO", refuse.reply(), null, null);
            state.heloRefused();
            return io.fail(refuse.reply());
        }
        // A milter's refusal of HELO answers later commands instead (Postfix, for Sendmail's sake); only 421 ends it now.
        String name = command.argument();
        MilterReply milter = checks.milterSession("HELO", m -> m.helo(name, state.milterTls()));
        if (milter instanceof MilterReply.Shutdown(var reply)) {
            return io.fail(reply);
        }
        state.heloAccepted(extended);
        if (!extended) {
            return io.respond(ReplyTexts.helo(settings.myhostname()));
        }
        if (!settings.discardEhloKeywords().isEmpty() && settings.logDiscardedEhloKeywords()) {
            log.info("discarding EHLO keywords: " + String.join(" ", settings.discardEhloKeywords()));
        }
        return io.respond(ReplyTexts.ehlo(settings.myhostname(),
                EhloKeywords.of(settings, security, state.encrypted(), state.authenticated(), state.clientAddress())));
    }
}
