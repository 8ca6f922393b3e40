package org.bulwark.restrict;

import java.util.List;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;

/**
 * Refuses a restriction placed where it can never match. With smtpd_delay_reject = no, the client
 * list runs at connect time and the HELO list at HELO, before the sender or recipient exist, so a
 * sender or recipient check there would silently pass every message: an error, not a warning.
 */
final class StageChecks {

    private StageChecks() {
    }

    static void requireUsable(Config config, Stage stage, List<Restriction> list) {
        for (Restriction r : list) {
            Stage needs = needs(r);
            if (needs != null && needs.ordinal() > stage.ordinal() && stage.ordinal() <= Stage.MAIL.ordinal()) {
                throw ConfigLines.locate(config, stage.parameter(), new ConfigException(
                        RestrictTexts.neverMatchesAtStage(r.name(), stage.parameter(), what(needs))));
            }
        }
    }

    /** The first stage at which the restriction has something to look at; null for any. */
    private static Stage needs(Restriction r) {
        return switch (r) {
            case Restriction.RejectInvalidHeloHostname x -> Stage.HELO;
            case Restriction.RejectNonFqdnHeloHostname x -> Stage.HELO;
            case Restriction.RejectUnknownHelo x -> Stage.HELO;
            case Restriction.RejectNonFqdnSender x -> Stage.MAIL;
            case Restriction.RejectUnlistedSender x -> Stage.MAIL;
            case Restriction.SenderLoginMismatch x -> Stage.MAIL;
            case Restriction.RejectUnknownDomain d -> d.recipient() ? Stage.RCPT : Stage.MAIL;
            case Restriction.RejectNonFqdnRecipient x -> Stage.RCPT;
            case Restriction.RejectUnlistedRecipient x -> Stage.RCPT;
            case Restriction.RejectUnauthDestination x -> Stage.RCPT;
            case Restriction.PermitAuthDestination x -> Stage.RCPT;
            case Restriction.CheckAccess a -> switch (a.kind()) {
                case HELO -> Stage.HELO;
                case SENDER -> Stage.MAIL;
                case RECIPIENT -> Stage.RCPT;
                default -> null;
            };
            case Restriction.DnsList l -> switch (l.target()) {
                case HELO -> Stage.HELO;
                case SENDER -> Stage.MAIL;
                case RECIPIENT -> Stage.RCPT;
                default -> null;
            };
            case Restriction.CheckServerAccess a -> switch (a.target()) {
                case HELO -> Stage.HELO;
                case SENDER -> Stage.MAIL;
                case RECIPIENT -> Stage.RCPT;
                default -> null;
            };
            default -> null;
        };
    }

    private static String what(Stage stage) {
        return switch (stage) {
            case HELO -> "HELO name";
            case MAIL -> "sender address";
            default -> "recipient address";
        };
    }
}
