package org.bulwark.smtpd;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.bulwark.mail.MailAddress;
import org.bulwark.milter.MilterReply;
import org.bulwark.milter.MilterSession;
import org.bulwark.restrict.Decision;
import org.bulwark.restrict.MessageAction;
import org.bulwark.restrict.SmtpdContext;
import org.bulwark.restrict.Stage;

/**
 * The one door through which every stage of a session is judged: connect, HELO, MAIL, RCPT,
 * DATA, end of message, and VRFY and ETRN. First the smtpd restrictions; then, when they let the
 * command through, the milters (smtpd_milters), as Postfix's smtpd asks them after its own
 * checks. A milter's refusal becomes a refusal like a restriction's, its discard and quarantine
 * become the DISCARD and HOLD actions; each is logged here in Postfix's words
 * ({@code milter-reject}, {@code milter-discard}, {@code milter-hold}), and the caller's own
 * reject line is then left out. The decision's actions are the caller's to apply.
 */
final class SessionChecks {

    private final RestrictionCheck restrictions;
    private MilterSession milters;
    private final SessionLog log;
    /** A milter saw MAIL for the transaction under way: its end sends SMFIC_ABORT. */
    private boolean milterTransaction;
    /** A milter discarded the transaction: it sees nothing more of it (Postfix's MILTER_SKIP_FLAGS). */
    private boolean milterDiscarded;
    /** A milter asked to end the session (421). */
    private boolean shutdown;
    /** The milters were told of the client (they are not when the restrictions refuse the connection). */
    private boolean connected;
    /** A milter's refusal at connect or HELO, which answers AUTH, STARTTLS, VRFY and ETRN too. */
    private org.bulwark.mail.SmtpReply sessionRefusal;

    SessionChecks(RestrictionCheck restrictions) {
        this(restrictions, null, null);
    }

    /** @param milters this session's milters, or null for none */
    SessionChecks(RestrictionCheck restrictions, MilterSession milters, SessionLog log) {
        this.restrictions = restrictions;
        this.milters = milters;
        this.log = log;
    }

    /**
     * The milters of the client from now on (null: none), with nothing yet told to them: at the
     * start, and after XCLIENT names another client (Postfix's teardown_milters and setup_milters).
     */
    void milters(MilterSession session) {
        milters = session;
        milterTransaction = false;
        milterDiscarded = false;
        connected = false;
        sessionRefusal = null;
    }

    /**
     * Asks the restrictions. A HANGUP answer ends the session where it stands, as Postfix's
     * smtpd does with a quiet long jump: the command loop catches {@link Hangup} and closes
     * without a reply.
     */
    Decision check(Stage stage, SmtpdContext context) {
        Decision decision = restrictions.check(stage, context);
        if (decision instanceof Decision.Hangup) {
            throw new Hangup();
        }
        return decision;
    }

    /**
     * Asks the restrictions, then, if they let the command through, the milters with
     * {@code milterStage} (e.g. {@code m -> m.rcpt(...)}). {@code where} names the stage in log
     * lines (MAIL, RCPT, DATA).
     */
    Decision check(Stage stage, SmtpdContext context, String where, Function<MilterSession, MilterReply> milterStage) {
        Decision decision = check(stage, context);
        if (!decision.accepted()) {
            return decision;
        }
        return milter(decision, where, context.givenSender(), context.givenRecipient(), milterStage);
    }

    /**
     * Asks the milters alone (after the restrictions have answered), and folds their answer into
     * {@code decision}.
     */
    Decision milter(Decision decision, String where, MailAddress sender, MailAddress recipient,
            Function<MilterSession, MilterReply> milterStage) {
        if (milters == null || milterDiscarded) {
            return decision;
        }
        if (where.equals("MAIL")) {
            milterTransaction = true;
        }
        MilterReply reply = milterStage.apply(milters);
        return switch (reply) {
            case MilterReply.Continue c -> decision;
            case MilterReply.Reject(var r) -> refuse(decision, where, r, sender, recipient);
            case MilterReply.TempFail(var r) -> refuse(decision, where, r, sender, recipient);
            case MilterReply.Shutdown(var r) -> {
                shutdown = true;
                yield refuse(decision, where, r, sender, recipient);
            }
            case MilterReply.Discard d -> {
                milterDiscarded = true;
                log.milter("milter-discard", where, SmtpdTexts.MILTER_DISCARD, sender, recipient);
                yield decision.with(plus(decision, new MessageAction.Discard("milter")));
            }
            case MilterReply.Quarantine(String reason) -> {
                log.milter("milter-hold", where, reason, sender, recipient);
                yield decision.with(plus(decision, new MessageAction.Hold(reason)));
            }
        };
    }

    /**
     * A command the restrictions refused, for the milters that see such refusals (a recipient,
     * with SMFIP_RCPT_REJ); not once a milter has discarded the transaction.
     */
    void restrictionsRefused(java.util.function.Consumer<MilterSession> tell) {
        if (milters != null && !milterDiscarded && milterTransaction) {
            tell.accept(milters);
        }
    }

    /**
     * The connect and HELO stages, which a milter cannot refuse outright (Postfix, for Sendmail's
     * sake, answers them as usual and lets the refusal answer every later MAIL, AUTH, ...): the
     * milters' reply, logged when it refuses.
     */
    MilterReply milterSession(String where, Function<MilterSession, MilterReply> milterStage) {
        if (milters == null) {
            return MilterReply.CONTINUE;
        }
        connected = true;
        MilterReply reply = milterStage.apply(milters);
        switch (reply) {
            case MilterReply.Reject(var r) -> {
                sessionRefusal = r;
                log.milterRefusal(where, r, null, null);
            }
            case MilterReply.TempFail(var r) -> {
                sessionRefusal = r;
                log.milterRefusal(where, r, null, null);
            }
            case MilterReply.Shutdown(var r) -> {
                shutdown = true;
                log.milterRefusal(where, r, null, null);
            }
            default -> { }
        }
        return reply;
    }

    /**
     * A command smtpd does not know: the milters' answer, not logged (Postfix uses only a 4xx of
     * it, in place of its own 502).
     */
    MilterReply unknown(String commandLine) {
        return milters == null || !connected ? MilterReply.CONTINUE : milters.unknown(commandLine);
    }

    /**
     * The refusal a milter made at connect or HELO, which Postfix gives to AUTH, STARTTLS, VRFY
     * and ETRN as well (milter_other_event); null when there is none.
     */
    org.bulwark.mail.SmtpReply sessionRefusal() {
        return sessionRefusal;
    }

    /** Whether the session has milters that see the message at its end. */
    MilterSession messageMilters() {
        return milters == null || milterDiscarded ? null : milters;
    }

    /** Whether a milter asked to end the session: after its 421 the connection closes. */
    boolean shutdownRequested() {
        return shutdown;
    }

    /** The transaction ended (queued, RSET, refused, HELO): the milters forget it. */
    void transactionEnded() {
        if (milters != null && milterTransaction) {
            milters.abort();
        }
        milterTransaction = false;
        milterDiscarded = false;
    }

    private Decision refuse(Decision decision, String where, org.bulwark.mail.SmtpReply reply, MailAddress sender,
            MailAddress recipient) {
        log.milterRefusal(where, reply, sender, recipient);
        return new Decision.Refuse(reply, decision.actions());
    }

    private static List<MessageAction> plus(Decision decision, MessageAction action) {
        List<MessageAction> actions = new ArrayList<>(decision.actions());
        actions.add(action);
        return actions;
    }

    /** Unwinds the session after an access(5) HANGUP; carries no stack trace, it is no error. */
    static final class Hangup extends RuntimeException {
        Hangup() {
            super("hangup", null, false, false);
        }
    }
}
