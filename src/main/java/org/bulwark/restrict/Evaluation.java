package org.bulwark.restrict;

import java.util.ArrayList;
import java.util.List;
import org.bulwark.mail.SmtpReply;
import org.bulwark.table.LookupTable;

/**
 * The state of one check, as Postfix keeps it in smtpd_check.c: the recursion depth, whether
 * the next restriction only warns (warn_if_reject), and the pending deferrals
 * (defer_if_reject turns a later 5xx into a 4xx; defer_if_permit turns the final permit into a
 * 4xx). Not shared between threads: one per call of {@link SmtpdRestrictions#check}.
 */
final class Evaluation {

    private final Engine engine;
    private final Stage stage;
    private final SmtpdContext context;
    private int recursion;
    private int warnIfReject;
    private SmtpReply deferIfReject;
    private SmtpReply deferIfPermit;
    private boolean quiet;
    private boolean recipientListed;
    private final List<MessageAction> actions = new ArrayList<>();

    Evaluation(Engine engine, Stage stage, SmtpdContext context) {
        this.engine = engine;
        this.stage = stage;
        this.context = context;
    }

    /**
     * A PREPEND, HOLD, DISCARD, REDIRECT, BCC or FILTER action for the message, kept for the
     * decision; dropped during a warn_if_reject or quiet replay, which must not change the message.
     */
    void act(MessageAction action) {
        if (warnIfReject == 0 && !quiet) {
            actions.add(action);
        }
    }

    /** The stage's decision, carrying the actions collected on the way. */
    Decision withActions(Decision decision) {
        return decision.with(actions);
    }

    Engine engine() {
        return engine;
    }

    Settings settings() {
        return engine.settings;
    }

    Environment environment() {
        return engine.environment;
    }

    Destinations destinations() {
        return engine.destinations;
    }

    SenderLogins senderLogins() {
        return engine.senderLogins;
    }

    SmtpdContext context() {
        return context;
    }

    Stage stage() {
        return stage;
    }

    int recursion() {
        return recursion;
    }

    SmtpReply pendingDeferIfPermit() {
        return deferIfPermit;
    }

    /**
     * Starts the evaluation of one stage's list(s) (Postfix's SMTPD_CHECK_RESET), carrying the
     * defer_if_permit of earlier stages. A quiet stage is one replayed only to learn that.
     */
    void beginStage(SmtpReply carriedDeferIfPermit, boolean quietly) {
        recursion = 0;
        warnIfReject = 0;
        deferIfReject = null;
        deferIfPermit = carriedDeferIfPermit;
        quiet = quietly;
    }

    /** Evaluates a list in order; the first answer other than DUNNO ends it. */
    Decision run(List<Restriction> list, Subject subject, AccessKind defaultAccess) {
        int saved = recursion++;
        Decision status = Decision.DUNNO;
        for (Restriction restriction : list) {
            if (restriction instanceof Restriction.WarnIfReject) {
                if (warnIfReject == 0) {
                    warnIfReject = recursion;
                }
                continue;
            }
            status = restriction.evaluate(this, subject, defaultAccess);
            if (warnIfReject >= recursion) {
                warnIfReject = 0;
            }
            if (!(status instanceof Decision.Dunno)) {
                break;
            }
            if (deferIfPermit != null && deferIfReject != null) {
                break;
            }
        }
        recursion = saved;
        if (warnIfReject >= recursion) {
            warnIfReject = 0;
        }
        return status;
    }

    Decision runClass(String name, Subject subject, AccessKind defaultAccess) {
        if (recursion > 100) {
            warn(RestrictTexts.tooMuchRecursion("smtpd_restriction_classes", name));
            return serverError();
        }
        return run(engine.classes.get(name), subject, defaultAccess);
    }

    Decision runAccessValue(LookupTable table, String value, Subject subject) {
        List<Restriction> list = engine.accessValue(value);
        if (list == null) {
            warn(RestrictTexts.unknownRestrictionInTable(table.spec(), value));
            return serverError();
        }
        return list.isEmpty() ? Decision.PERMIT : run(list, subject, AccessKind.defaultFor(stageOf(subject)));
    }

    private Stage stageOf(Subject subject) {
        return switch (subject.replyClass()) {
            case RestrictTexts.CLIENT -> Stage.CONNECT;
            case RestrictTexts.HELO -> Stage.HELO;
            case RestrictTexts.SENDER -> Stage.MAIL;
            case RestrictTexts.RECIPIENT -> Stage.RCPT;
            case RestrictTexts.ETRN -> Stage.ETRN;
            default -> stage;
        };
    }

    /**
     * A refusal, as Postfix's smtpd_check_reject makes it: only logged under warn_if_reject,
     * turned into the pending 4xx under defer_if_reject, and 4xx under soft_bounce.
     */
    Decision reject(SmtpReply reply) {
        boolean warnOnly = warnIfReject != 0;
        SmtpReply effective = reply;
        if (!warnOnly && deferIfReject != null && reply.isPermanent()) {
            effective = deferIfReject;
            deferIfReject = null;
        }
        if (engine.settings.softBounce() && effective.isPermanent()) {
            effective = RestrictTexts.reply(effective.code() - 100, effective.enhanced(), effective.lines().get(0));
        }
        if (warnOnly) {
            if (!quiet) {
                engine.info(SmtpdRestrictions.describe("reject_warning", stage, context, effective));
            }
            return Decision.DUNNO;
        }
        return new Decision.Refuse(effective);
    }

    /** A configuration or table problem: never softened into a warning. */
    Decision serverError() {
        return new Decision.Refuse(RestrictTexts.serverConfigurationError());
    }

    Decision deferIfPermit(SmtpReply reply) {
        if (warnIfReject != 0) {
            return reject(reply);
        }
        if (deferIfPermit == null) {
            deferIfPermit = reply;
        }
        return Decision.DUNNO;
    }

    Decision deferIfReject(SmtpReply reply) {
        if (deferIfReject == null) {
            deferIfReject = reply;
        }
        return Decision.DUNNO;
    }

    /** At the end of RCPT, DATA and ETRN: a permit with a pending defer_if_permit is deferred. */
    Decision finish(Decision status) {
        if (status.accepted() && deferIfPermit != null) {
            SmtpReply pending = deferIfPermit;
            deferIfPermit = null;
            return reject(pending);
        }
        return status;
    }

    Decision unlistedRecipient() {
        if (recipientListed) {
            return Decision.DUNNO;
        }
        if (warnIfReject == 0) {
            recipientListed = true;
        }
        SmtpReply unknown = destinations().unknownUser(context.recipient(), Subject.recipient(context));
        return unknown == null ? Decision.DUNNO : reject(unknown);
    }

    boolean recipientListed() {
        return recipientListed;
    }

    Decision unlistedSender() {
        SmtpReply unknown = destinations().unknownUser(context.sender(), Subject.sender(context));
        return unknown == null ? Decision.DUNNO : reject(unknown);
    }

    void warn(String message) {
        if (!quiet) {
            engine.warn(message);
        }
    }

    void warnOnce(String message) {
        engine.warnOnce(message);
    }

    /** An access table's WARN or INFO action: a log line with the session's context. */
    void logAction(String action, String text) {
        if (!quiet) {
            engine.info(SmtpdRestrictions.describe(action, stage, context, text));
        }
    }
}
