package org.bulwark.smtpd;

import java.util.List;
import org.bulwark.mail.SmtpReply;
import org.bulwark.restrict.Decision;
import org.bulwark.restrict.SmtpdContext;
import org.bulwark.restrict.Stage;
import org.bulwark.util.Cidr;

/**
 * Stands in for smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination until the
 * restrict package is merged.
 */
record RelayCheck(Cidr mynetworks, List<String> localDomains) implements RestrictionCheck {

    RelayCheck(String mynetworks, String... localDomains) {
        this(Cidr.parse(mynetworks), List.of(localDomains));
    }

    @Override
    public Decision check(Stage stage, SmtpdContext context) {
        if (stage != Stage.RCPT || mynetworks.contains(context.clientAddress())
                || localDomains.contains(context.recipient().domainKey())) {
            return Decision.DUNNO;
        }
        return new Decision.Refuse(SmtpReply.of(554, "5.7.1", "<" + context.recipient().external()
                + ">: Relay access denied"));
    }
}
