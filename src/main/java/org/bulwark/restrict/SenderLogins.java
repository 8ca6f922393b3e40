package org.bulwark.restrict;

import java.util.List;
import org.bulwark.config.ListSyntax;
import org.bulwark.mail.MailAddress;
import org.bulwark.table.LookupTable;

/**
 * smtpd_sender_login_maps: which SASL login names own a sender address, for
 * reject_sender_login_mismatch and its variants.
 */
final class SenderLogins {

    private final List<LookupTable> maps;
    private final Destinations destinations;

    SenderLogins(Settings settings, Environment environment, Destinations destinations) {
        this.maps = settings.senderLoginMaps().stream().map(environment.tables()).toList();
        this.destinations = destinations;
    }

    Decision check(Evaluation e, Restriction.SenderLoginMismatch mode) {
        MailAddress sender = e.context().sender();
        if (sender == null || sender.isNullSender()) {
            return Decision.DUNNO;
        }
        String user = e.context().saslUsername();
        String owners = owners(sender);
        if (user != null && !user.isEmpty()) {
            if (!mode.checkAuthenticated() || owners == null && mode.allowUnknownSender()) {
                return Decision.DUNNO;
            }
            if (owners != null) {
                for (String owner : ListSyntax.split(owners)) {
                    if (owner.equalsIgnoreCase(user)) {
                        return Decision.DUNNO;
                    }
                }
            }
            return e.reject(RestrictTexts.senderNotOwned(Subject.name(sender), user));
        }
        if (mode.checkUnauthenticated() && owners != null) {
            return e.reject(RestrictTexts.senderNotLoggedIn(Subject.name(sender)));
        }
        return Decision.DUNNO;
    }

    private String owners(MailAddress sender) {
        String bare = destinations.stripExtension(sender.localPart());
        for (LookupTable table : maps) {
            var found = Destinations.lookupAddress(table, sender, bare);
            if (found.isPresent()) {
                return found.get();
            }
        }
        return null;
    }
}
