package org.bulwark.restrict;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.dns.DnsResolver;
import org.bulwark.log.MailLog;
import org.bulwark.mail.SmtpReply;

/**
 * All restriction lists of one smtpd service, parsed once from its configuration
 * ({@code smtpd_*_restrictions}, {@code smtpd_relay_restrictions}, {@code smtpd_delay_reject},
 * {@code smtpd_reject_unlisted_recipient}, ...). The session asks it at each stage; the answer is
 * either accepted or a reply to send, with Postfix's codes and texts. With
 * {@code smtpd_delay_reject = yes} (the default) client, helo and sender checks are deferred to
 * RCPT, as Postfix does.
 *
 * <p>Immutable and safe for concurrent use by many sessions. It logs {@code reject_warning}
 * (warn_if_reject) and access-table {@code warn} lines itself; the {@code reject} line for a
 * refusal it returns is the session's to write (see {@link #describe}).
 */
public final class SmtpdRestrictions implements AutoCloseable {

    private static final String RELAY_PARAMETER = "smtpd_relay_restrictions";
    /** Restrictions that stop open relaying; one must be in the relay or recipient list (Postfix's rcpt_required). */
    private static final Set<String> RELAY_CHECKS = Set.of(
            "reject_unauth_destination", "defer_unauth_destination", "reject", "defer", "defer_if_permit");

    private final Engine engine;
    private final Map<Stage, List<Restriction>> lists = new EnumMap<>(Stage.class);
    private final List<Restriction> relay;
    private final boolean relayFirst;
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final PolicyCheck.Resources policies = new PolicyCheck.Resources();

    /** @throws ConfigException for an unknown restriction or bad table */
    public SmtpdRestrictions(Config config) {
        this(config, null);
    }

    /**
     * @param logger where warnings at construction and {@code reject_warning} lines go; null for
     *               none (they stay readable through {@link #warnings()})
     * @throws ConfigException for an unknown restriction or bad table
     */
    public SmtpdRestrictions(Config config, MailLog.Logger logger) {
        this(config, DnsResolver.create(config), logger);
    }

    /**
     * @param dns the resolver for the DNS-based restrictions; the composition root shares one, so
     *            that its cache serves every listener
     * @throws ConfigException for an unknown restriction or bad table, with the main.cf line
     */
    public SmtpdRestrictions(Config config, DnsResolver dns, MailLog.Logger logger) {
        this(config, Environment.of(config, dns), logger);
    }

    /**
     * As above, with the verify(8) service that {@code reject_unverified_recipient} and
     * {@code reject_unverified_sender} ask (null: none; they then answer with Postfix's
     * "address verification problem").
     */
    public SmtpdRestrictions(Config config, DnsResolver dns, MailLog.Logger logger,
            org.bulwark.verify.AddressVerifier verifier) {
        this(config, Environment.of(config, dns).withVerifier(verifier), logger);
    }

    SmtpdRestrictions(Config config, Environment environment, MailLog.Logger logger) {
        Set<String> classNames = Set.copyOf(config.list("smtpd_restriction_classes"));
        RestrictionParser parser = new RestrictionParser(environment.tables(), classNames, message -> {
            warnings.add(message);
            if (logger != null) {
                logger.warning(message);
            }
        });
        parser.withPolicies(argument -> new Restriction.CheckPolicyService(
                PolicyCheck.create(argument, config, policies, environment.dns(), logger)));
        Map<String, List<Restriction>> classes = new LinkedHashMap<>();
        for (String name : config.list("smtpd_restriction_classes")) {
            String definition = config.get(name);
            if (definition.isBlank()) {
                throw ConfigLines.locate(config, name, new ConfigException(RestrictTexts.classNeedsDefinition(name)));
            }
            classes.put(name, parse(config, parser, name, definition));
        }
        boolean delay = config.bool("smtpd_delay_reject");
        for (Stage stage : Stage.values()) {
            List<Restriction> list = parse(config, parser, stage.parameter(), config.get(stage.parameter()));
            if (!delay) {
                StageChecks.requireUsable(config, stage, list);
            }
            lists.put(stage, list);
        }
        relay = parse(config, parser, RELAY_PARAMETER, config.get(RELAY_PARAMETER));
        relayFirst = config.bool("smtpd_relay_before_recipient_restrictions");
        if (!hasRelayCheck(relay, classes, 0) && !hasRelayCheck(lists.get(Stage.RCPT), classes, 0)) {
            throw new ConfigException(RestrictTexts.relayCheckRequired(String.join(", ", RELAY_CHECKS.stream().sorted()
                    .toList())));
        }
        try {
            engine = new Engine(Settings.from(config), environment, Map.copyOf(classes), parser, logger,
                    ClientCertificateChecks.from(config, environment));
        } catch (ConfigException e) {
            throw ConfigLines.locateTable(config, e);
        }
    }

    private static List<Restriction> parse(Config config, RestrictionParser parser, String parameter, String value) {
        try {
            return parser.parse(parameter, value);
        } catch (ConfigException e) {
            throw ConfigLines.locate(config, parameter, e);
        }
    }

    /** Closes policy server connections and built-in policies' stores. */
    @Override
    public void close() {
        policies.close();
    }

    /** Warnings from reading the configuration (a restriction Bulwark lacks is refused, not warned about). */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /**
     * Evaluates the stage. For RCPT this runs, in order: the delayed early stages (when
     * smtpd_delay_reject), smtpd_relay_restrictions, smtpd_recipient_restrictions, then the
     * unlisted-recipient check (User unknown in local/virtual recipient table). The decision
     * carries the actions of access tables and policy servers that change the message (PREPEND,
     * e.g. postgrey's X-Greylist or policyd-spf's Received-SPF; HOLD, DISCARD, REDIRECT, BCC,
     * FILTER), for the caller to apply.
     */
    public Decision check(Stage stage, SmtpdContext context) {
        Evaluation e = new Evaluation(engine, stage, context);
        return e.withActions(evaluate(e, stage, context));
    }

    private Decision evaluate(Evaluation e, Stage stage, SmtpdContext context) {
        boolean delay = engine.settings.delayReject();
        return switch (stage) {
            case CONNECT, HELO, MAIL -> delay ? Decision.PERMIT : early(e, stage, stage);
            case RCPT -> recipient(e, delay);
            case ETRN -> {
                Decision early = early(e, Stage.HELO, null);
                if (!early.accepted()) {
                    yield early;
                }
                e.beginStage(e.pendingDeferIfPermit(), false);
                yield e.finish(e.run(lists.get(Stage.ETRN), Subject.of(Stage.ETRN, context), AccessKind.ETRN));
            }
            case DATA, END_OF_DATA -> {
                e.beginStage(null, false);
                yield e.finish(e.run(lists.get(stage), Subject.of(stage, context), null));
            }
        };
    }

    private Decision recipient(Evaluation e, boolean delay) {
        SmtpdContext context = e.context();
        // RFC 5321 §4.5.1: mail to a bare "postmaster" must always be accepted.
        if (context.recipient() != null && !context.recipient().isQualified()
                && context.recipient().localPart().equalsIgnoreCase("postmaster")) {
            return Decision.PERMIT;
        }
        Decision early = early(e, Stage.MAIL, null);
        if (delay && !early.accepted()) {
            return early;
        }
        e.beginStage(e.pendingDeferIfPermit(), false);
        Subject subject = Subject.recipient(context);
        List<Restriction> first = relayFirst ? relay : lists.get(Stage.RCPT);
        List<Restriction> second = relayFirst ? lists.get(Stage.RCPT) : relay;
        Decision status = e.run(first, subject, AccessKind.RECIPIENT);
        if (status.accepted()) {
            status = e.run(second, subject, AccessKind.RECIPIENT);
        }
        status = e.finish(status);
        if (status.accepted() && engine.settings.rejectUnlistedRecipient() && !e.recipientListed()) {
            Decision unlisted = e.unlistedRecipient();
            if (!unlisted.accepted()) {
                return unlisted;
            }
        }
        return status.accepted() ? Decision.PERMIT : status;
    }

    /**
     * Runs the client, helo and sender stages up to {@code last}, as Postfix's smtpd_check_client,
     * _helo and _mail do, carrying defer_if_permit from one to the next. A stage other than
     * {@code target} was already decided when its command came (smtpd_delay_reject = no), so it is
     * replayed quietly, only to learn its defer_if_permit. Returns the first refusal, or PERMIT.
     */
    private Decision early(Evaluation e, Stage last, Stage target) {
        SmtpdContext context = e.context();
        boolean delay = engine.settings.delayReject();
        for (Stage stage : List.of(Stage.CONNECT, Stage.HELO, Stage.MAIL)) {
            if (stage.ordinal() > last.ordinal()) {
                break;
            }
            if (stage == Stage.HELO && context.helo() == null || stage == Stage.MAIL && context.sender() == null) {
                continue;
            }
            boolean quiet = !delay && stage != target;
            e.beginStage(e.pendingDeferIfPermit(), quiet);
            Decision status = e.run(lists.get(stage), Subject.of(stage, context), AccessKind.defaultFor(stage));
            if (stage == Stage.MAIL && status.accepted() && engine.settings.rejectUnlistedSender()
                    && !context.sender().isNullSender()) {
                status = e.unlistedSender();
            }
            if (!status.accepted() && !quiet) {
                return status;
            }
        }
        return Decision.PERMIT;
    }

    private static boolean hasRelayCheck(List<Restriction> list, Map<String, List<Restriction>> classes, int depth) {
        for (int i = 0; i < list.size(); i++) {
            Restriction r = list.get(i);
            if (r instanceof Restriction.WarnIfReject) {
                i++;
            } else if (RELAY_CHECKS.contains(r.name())) {
                return true;
            } else if (r instanceof Restriction.RestrictionClass c && depth < 100
                    && hasRelayCheck(classes.get(c.name()), classes, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A maillog line in Postfix's form for a restriction event:
     * {@code NOQUEUE: reject: RCPT from host[ip]: 554 5.7.1 <x@y>: Relay access denied;
     * from=<a@b> to=<x@y> proto=ESMTP helo=<h>}.
     *
     * @param action {@code reject}, {@code reject_warning}, {@code warn}, ...
     */
    public static String describe(String action, Stage stage, SmtpdContext context, SmtpReply reply) {
        return describe(action, stage, context, reply.toString());
    }

    static String describe(String action, Stage stage, SmtpdContext context, String text) {
        StringBuilder b = new StringBuilder("NOQUEUE: ").append(action).append(": ")
                .append(command(stage, context)).append(" from ").append(Subject.clientNameAddress(context))
                .append(": ").append(text).append(';');
        if (context.sender() != null) {
            b.append(" from=<").append(context.sender().external()).append('>');
        }
        if (context.recipient() != null) {
            b.append(" to=<").append(context.recipient().external()).append('>');
        }
        if (context.protocol() != null) {
            b.append(" proto=").append(context.protocol());
        }
        if (context.helo() != null) {
            b.append(" helo=<").append(context.helo()).append('>');
        }
        return b.toString();
    }

    private static String command(Stage stage, SmtpdContext context) {
        return switch (stage) {
            case CONNECT -> "CONNECT";
            case HELO -> "ESMTP".equals(context.protocol()) ? "EHLO" : "HELO";
            case MAIL -> "MAIL";
            case RCPT -> "RCPT";
            case DATA -> "DATA";
            case END_OF_DATA -> "END-OF-MESSAGE";
            case ETRN -> "ETRN";
        };
    }
}
