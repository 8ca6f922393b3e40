package org.bulwark.cleanup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.log.MailLog;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.Recipient;
import org.bulwark.table.AddressSearch;
import org.bulwark.table.DomainClassifier;
import org.bulwark.table.LookupTable;
import org.bulwark.table.LookupTables;

/**
 * Postfix's automatic BCC recipients (cleanup_addr.c): the copy address sender_bcc_maps gives for
 * the sender, the one recipient_bcc_maps gives for each recipient, and always_bcc, added to the
 * envelope of new mail only; no header names them. Each copy asks for no delivery status notice
 * (NOTIFY=NEVER, as Postfix 2.3 and later), so the sender never hears of the copy, and an address
 * that already gets the message is not added again. Mail the system makes or forwards itself
 * ({@link Cleanup#internal()}) and mail of a service with {@code receive_override_options =
 * no_address_mappings} get none, as Postfix's cleanup adds them only with CLEANUP_FLAG_BCC_OK.
 * Thread-safe.
 */
final class BccRecipients {

    /** The parameters these copies are made of, which a master.cf cleanup service may override. */
    static final List<String> PARAMETERS = List.of("always_bcc", "sender_bcc_maps", "recipient_bcc_maps");

    /** No copies configured. */
    static final BccRecipients NONE = new BccRecipients(null, null, null, "", null, false);

    /** RFC 3461 §4.1: the copy's sender is told nothing, delivered, delayed or failed. */
    private static final String NOTIFY_NEVER = "NEVER";

    private final MailAddress always;
    private final AddressSearch senderMaps;
    private final AddressSearch recipientMaps;
    private final String myorigin;
    private final MailLog.Logger log;
    /** False for internal mail and no_address_mappings: the tables stay open for a service that wants them. */
    private final boolean enabled;

    private BccRecipients(MailAddress always, AddressSearch senderMaps, AddressSearch recipientMaps, String myorigin,
                          MailLog.Logger log, boolean enabled) {
        this.always = always;
        this.senderMaps = senderMaps;
        this.recipientMaps = recipientMaps;
        this.myorigin = myorigin;
        this.log = log;
        this.enabled = enabled;
    }

    /**
     * Opens the tables; a missing file, a bad table line or an always_bcc that is not one address
     * stops the configuration from loading.
     */
    static BccRecipients create(Config config, MailLog.Logger log) {
        String myorigin = config.get("myorigin").strip();
        String alwaysText = config.get("always_bcc").strip();
        List<String> senderSpecs = config.list("sender_bcc_maps");
        List<String> recipientSpecs = config.list("recipient_bcc_maps");
        if (alwaysText.isEmpty() && senderSpecs.isEmpty() && recipientSpecs.isEmpty()) {
            return NONE;
        }
        MailAddress always = null;
        if (!alwaysText.isEmpty()) {
            always = address(alwaysText, myorigin);
            if (always == null) {
                throw new ConfigException(CleanupTexts.badAlwaysBcc(alwaysText));
            }
        }
        // mail_addr_find looks up the bare local part only for $myorigin and local domains.
        DomainClassifier domains = senderSpecs.isEmpty() && recipientSpecs.isEmpty() ? null : new DomainClassifier(config);
        String delimiter = config.get("recipient_delimiter");
        return new BccRecipients(always,
                search(senderSpecs, config, delimiter, domains, myorigin),
                search(recipientSpecs, config, delimiter, domains, myorigin), myorigin, log, true);
    }

    private static AddressSearch search(List<String> specs, Config config, String delimiter, DomainClassifier domains,
                                        String myorigin) {
        if (specs.isEmpty()) {
            return null;
        }
        List<LookupTable> tables = specs.stream().map(spec -> LookupTables.open(spec, config.configDirectory())).toList();
        return new AddressSearch(tables, delimiter,
                domain -> domain.equalsIgnoreCase(myorigin) || domains.isLocal(domain));
    }

    /** These copies for a service whose overrides may say receive_override_options = no_address_mappings. */
    BccRecipients forService(Config serviceConfig) {
        return enabled(this != NONE && !serviceConfig.list("receive_override_options").contains("no_address_mappings"));
    }

    /** The same tables, making copies or not. */
    BccRecipients enabled(boolean on) {
        return on == enabled ? this : new BccRecipients(always, senderMaps, recipientMaps, myorigin, log, on);
    }

    /** Whether any copy can be made. */
    boolean active() {
        return enabled;
    }

    /**
     * The envelope with the copies added after the recipients, in the order Postfix's cleanup
     * makes them: the sender's, each recipient's, then always_bcc (only when there is a
     * recipient). The null sender has no sender copy.
     */
    Envelope addTo(Envelope envelope) {
        if (!enabled) {
            return envelope;
        }
        List<MailAddress> copies = new ArrayList<>();
        MailAddress sender = envelope.sender();
        if (senderMaps != null && sender != null && !sender.isNullSender()) {
            lookup(senderMaps, "sender_bcc_maps", sender).ifPresent(copies::add);
        }
        if (recipientMaps != null) {
            for (Recipient recipient : envelope.recipients()) {
                lookup(recipientMaps, "recipient_bcc_maps", recipient.address()).ifPresent(copies::add);
            }
        }
        if (always != null && !envelope.recipients().isEmpty()) {
            copies.add(always);
        }
        if (copies.isEmpty()) {
            return envelope;
        }
        List<Recipient> recipients = new ArrayList<>(envelope.recipients());
        for (MailAddress copy : copies) {
            if (recipients.stream().noneMatch(r -> same(r.address(), copy))) {
                recipients.add(new Recipient(copy, null, NOTIFY_NEVER));
            }
        }
        return new Envelope(envelope.sender(), recipients, envelope.arrival(), envelope.client(), envelope.body(),
                envelope.ret(), envelope.envid(), envelope.smtputf8(), envelope.filter(), envelope.probe());
    }

    private Optional<MailAddress> lookup(AddressSearch maps, String parameter, MailAddress key) {
        Optional<String> value = maps.find(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        MailAddress copy = address(value.get(), myorigin);
        if (copy == null) {
            log.warning(CleanupTexts.logBadBcc(parameter, key.internal(), value.get()));
        }
        return Optional.ofNullable(copy);
    }

    /**
     * The one address a value names, {@code <>} brackets optional; an address without a domain
     * gets {@code @$myorigin}, as Postfix rewrites a BCC address in the local context. Null when
     * the value is empty or more than one word.
     */
    static MailAddress address(String text, String myorigin) {
        String t = text.strip();
        if (t.startsWith("<") && t.endsWith(">")) {
            t = t.substring(1, t.length() - 1).strip();
        }
        if (t.isEmpty() || t.startsWith("@") || t.endsWith("@") || t.indexOf(',') >= 0
                || t.chars().anyMatch(Character::isWhitespace)) {
            return null;
        }
        MailAddress address = MailAddress.of(t);
        return address.isQualified() || myorigin.isEmpty() ? address : address.withDomain(myorigin);
    }

    /** The local part as written, the domain in any case (RFC 5321 §2.4). */
    private static boolean same(MailAddress a, MailAddress b) {
        return a.localPart().equals(b.localPart()) && java.util.Objects.equals(a.domainKey(), b.domainKey());
    }
}
