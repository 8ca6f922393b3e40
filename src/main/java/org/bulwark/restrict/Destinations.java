package org.bulwark.restrict;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.bulwark.mail.AddressRouting;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.SmtpReply;
import org.bulwark.table.AddressClass;
import org.bulwark.table.LookupTable;

/**
 * Where a recipient's mail goes, as far as smtpd must know: whether we may accept it from anyone
 * (permit_auth_destination) and whether the address exists (reject_unlisted_recipient), after
 * the local-part routing of {@link AddressRouting}.
 */
final class Destinations {

    private final Settings settings;
    private final Function<String, AddressClass> classifier;
    private final List<LookupTable> localRecipients;
    private final List<LookupTable> virtualMailboxes;
    private final List<LookupTable> virtualAliases;
    private final List<LookupTable> relayRecipients;
    private final List<LookupTable> canonical;

    Destinations(Settings settings, Environment environment) {
        this.settings = settings;
        this.classifier = environment.classifier();
        Function<List<String>, List<LookupTable>> open = specs -> specs.stream().map(environment.tables()).toList();
        this.localRecipients = open.apply(settings.localRecipientMaps());
        this.virtualMailboxes = open.apply(settings.virtualMailboxMaps());
        this.virtualAliases = open.apply(settings.virtualAliasMaps());
        this.relayRecipients = open.apply(settings.relayRecipientMaps());
        this.canonical = open.apply(settings.canonicalMaps());
    }

    AddressClass classify(String domain) {
        return classifier.apply(domain.toLowerCase(Locale.ROOT));
    }

    AddressRouting.Resolved resolve(MailAddress address) {
        return AddressRouting.resolve(address, d -> classify(d) == AddressClass.LOCAL, settings.routing());
    }

    /**
     * Postfix's permit_auth_destination: the address, once routed, is in a domain we deliver or
     * relay for, and (unless allow_untrusted_routing) its sender did not choose the route.
     */
    boolean authorized(MailAddress recipient) {
        AddressRouting.Resolved resolved = resolve(recipient);
        if (!resolved.address().isQualified()) {
            return true;
        }
        if (resolved.routed() && !settings.allowUntrustedRouting()) {
            return false;
        }
        return classify(resolved.address().domain()) != AddressClass.DEFAULT;
    }

    /**
     * The refusal for an address no table of its class knows (User unknown in ... table), or
     * null when it is known or its class keeps no list.
     */
    SmtpReply unknownUser(MailAddress address, Subject subject) {
        if (settings.noUnknownRecipientChecks()) {
            return null;
        }
        MailAddress resolved = resolve(address).address();
        if (!resolved.isQualified() || findAddress(canonical, resolved) || findAddress(virtualAliases, resolved)) {
            return null;
        }
        return switch (classify(resolved.domain())) {
            case LOCAL -> localUnknown(resolved)
                    ? RestrictTexts.userUnknown(settings.localRecipientCode(), subject, "local recipient table",
                            settings.showUnknownTable())
                    : null;
            case VIRTUAL_ALIAS -> RestrictTexts.userUnknown(settings.virtualAliasCode(), subject, "virtual alias table",
                    settings.showUnknownTable());
            case VIRTUAL_MAILBOX -> !virtualMailboxes.isEmpty() && !findAddress(virtualMailboxes, resolved)
                    ? RestrictTexts.userUnknown(settings.virtualMailboxCode(), subject, "virtual mailbox table",
                            settings.showUnknownTable())
                    : null;
            case RELAY -> !relayRecipients.isEmpty() && !findAddress(relayRecipients, resolved)
                    ? RestrictTexts.userUnknown(settings.relayRecipientCode(), subject, "relay recipient table",
                            settings.showUnknownTable())
                    : null;
            case DEFAULT -> null;
        };
    }

    /** An empty local_recipient_maps turns the check off; the bounce and postmaster users always exist. */
    private boolean localUnknown(MailAddress address) {
        if (localRecipients.isEmpty()) {
            return false;
        }
        String local = address.localPart().toLowerCase(Locale.ROOT);
        String bare = stripExtension(local);
        if (bare.equals(settings.doubleBounceSender().toLowerCase(Locale.ROOT))
                || bare.equals("postmaster") || bare.equals("mailer-daemon")) {
            return false;
        }
        for (LookupTable table : localRecipients) {
            if (table.find(address.internal()).isPresent() || table.find(local).isPresent()
                    || table.find(bare).isPresent()) {
                return false;
            }
        }
        return true;
    }

    /** virtual(5) order: {@code user+ext@domain}, {@code user@domain}, {@code user@}, {@code @domain}. */
    static Optional<String> lookupAddress(LookupTable table, MailAddress address, String bareLocal) {
        String domain = address.domain() == null ? "" : address.domainKey();
        Optional<String> found = table.find(address.localPart() + "@" + domain);
        if (found.isEmpty() && !bareLocal.equals(address.localPart())) {
            found = table.find(bareLocal + "@" + domain);
        }
        if (found.isEmpty()) {
            found = table.find(bareLocal + "@");
        }
        if (found.isEmpty() && !domain.isEmpty()) {
            found = table.find("@" + domain);
        }
        return found;
    }

    private boolean findAddress(List<LookupTable> tables, MailAddress address) {
        String bare = stripExtension(address.localPart());
        return tables.stream().anyMatch(t -> lookupAddress(t, address, bare).isPresent());
    }

    /** The local part without its {@code recipient_delimiter} extension ({@code user+ext} to {@code user}). */
    String stripExtension(String local) {
        String delimiters = settings.recipientDelimiter();
        if (delimiters.isEmpty()) {
            return local;
        }
        for (int i = 1; i < local.length(); i++) {
            if (delimiters.indexOf(local.charAt(i)) >= 0) {
                return local.substring(0, i);
            }
        }
        return local;
    }
}
