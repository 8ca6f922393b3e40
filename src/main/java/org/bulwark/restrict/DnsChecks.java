package org.bulwark.restrict;

import java.net.InetAddress;
import org.bulwark.dns.ClientNames;
import org.bulwark.dns.DnsResult;
import org.bulwark.dns.MxHost;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.SmtpReply;
import org.bulwark.table.AddressClass;

/**
 * The restrictions that ask whether a name exists in DNS: reject_unknown_client_hostname,
 * reject_unknown_reverse_client_hostname, reject_unknown_helo_hostname,
 * reject_unknown_sender_domain and reject_unknown_recipient_domain. A definite "no" is refused
 * with the configured code; a temporary DNS failure never is: it becomes a 450, or Postfix's
 * defer_if_permit (the *_tempfail_action parameters).
 */
final class DnsChecks {

    private DnsChecks() {
    }

    /** The client's verified name (or, with {@code reverse}, its PTR name) must exist. */
    static Decision unknownClient(Evaluation e, boolean reverse) {
        SmtpdContext context = e.context();
        ClientNames.Status status = reverse ? context.reverseStatus() : context.nameStatus();
        if (status == ClientNames.Status.OK) {
            return Decision.DUNNO;
        }
        int code = status == ClientNames.Status.TEMPORARY ? 450 : e.settings().dns().unknownClientCode();
        return e.reject(RestrictTexts.cannotFindHostname(code, Subject.hostAddress(context.clientAddress()), reverse));
    }

    /** The HELO name must have an A, AAAA or MX record; address literals are not asked about. */
    static Decision unknownHelo(Evaluation e) {
        String helo = HostnameChecks.heloDomain(e.context().helo());
        if (helo == null) {
            return Decision.DUNNO;
        }
        Subject subject = Subject.helo(e.context());
        Settings.Dns settings = e.settings().dns();
        return switch (hostExists(e, helo)) {
            case FOUND -> Decision.DUNNO;
            case ABSENT -> e.reject(RestrictTexts.heloHostNotFound(settings.unknownHostnameCode(), subject));
            case TEMPORARY -> temporary(e, settings.heloTempfailDeferIfPermit(),
                    RestrictTexts.heloHostNotFound(450, subject));
        };
    }

    /**
     * The domain of a sender or recipient must have an MX or address record, and no null MX;
     * domains this server is a destination for, address literals and the null sender pass.
     */
    static Decision unknownDomain(Evaluation e, MailAddress address, Subject subject) {
        if (address == null || address.isNullSender() || address.domain() == null || address.domain().isEmpty()
                || address.domain().startsWith("[")) {
            return Decision.DUNNO;
        }
        String domain = HostnameChecks.truncateDot(address.domain());
        AddressClass c = e.destinations().classify(domain);
        if (c != AddressClass.DEFAULT && c != AddressClass.RELAY) {
            return Decision.DUNNO; // Postfix's RESOLVE_CLASS_FINAL: we are the destination
        }
        Settings.Dns settings = e.settings().dns();
        DnsResult<MxHost> mx = e.environment().dns().lookupMx(domain);
        if (mx.isFound() && mx.values().size() == 1 && mx.values().get(0).isNullMx()) {
            return e.reject(RestrictTexts.nullMx(subject, domain));
        }
        Existence exists = mx.isFound() ? Existence.FOUND
                : mx.isTemporaryFailure() ? Existence.TEMPORARY : addressesExist(e, domain);
        return switch (exists) {
            case FOUND -> Decision.DUNNO;
            case ABSENT -> e.reject(RestrictTexts.domainNotFound(settings.unknownAddressCode(), subject));
            case TEMPORARY -> temporary(e, settings.addressTempfailDeferIfPermit(),
                    RestrictTexts.domainNotFound(450, subject));
        };
    }

    private enum Existence {
        FOUND,
        ABSENT,
        TEMPORARY
    }

    private static Existence hostExists(Evaluation e, String name) {
        Existence byAddress = addressesExist(e, name);
        if (byAddress == Existence.FOUND) {
            return byAddress;
        }
        DnsResult<MxHost> mx = e.environment().dns().lookupMx(name);
        if (mx.isFound()) {
            return Existence.FOUND;
        }
        return mx.isTemporaryFailure() ? Existence.TEMPORARY : byAddress;
    }

    private static Existence addressesExist(Evaluation e, String name) {
        DnsResult<InetAddress> addresses = e.environment().dns().lookupAddresses(name);
        return addresses.isFound() ? Existence.FOUND
                : addresses.isTemporaryFailure() ? Existence.TEMPORARY : Existence.ABSENT;
    }

    /** defer_if_permit (the default tempfail action) or an immediate defer. */
    private static Decision temporary(Evaluation e, boolean deferIfPermit, SmtpReply reply) {
        return deferIfPermit ? e.deferIfPermit(reply) : e.reject(reply);
    }
}
