package org.bulwark.delivery.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bulwark.config.Config;
import org.bulwark.mail.MailAddress;
import org.bulwark.table.LookupTable;
import org.bulwark.table.LookupTables;

/**
 * {@code sender_dependent_relayhost_maps}: the relayhost chosen by the envelope sender (the full
 * address, then {@code @domain}; the null sender as {@code empty_address_relayhost_maps_lookup_key}),
 * over {@code $relayhost}. Postfix decides it in trivial-rewrite for mail whose nexthop would be
 * {@code $relayhost} or the recipient domain; here the SMTP client decides it for a delivery whose
 * nexthop is exactly that, so a nexthop named by {@code transport_maps} or a transport's own
 * {@code transport:nexthop} stays as it is. A result of {@code DUNNO} means "no override".
 */
final class SenderRelayhosts {

    private final List<LookupTable> tables;
    private final String relayhost;
    private final String nullSenderKey;

    SenderRelayhosts(List<LookupTable> tables, String relayhost, String nullSenderKey) {
        this.tables = List.copyOf(tables);
        this.relayhost = relayhost.strip();
        this.nullSenderKey = nullSenderKey.strip();
    }

    static SenderRelayhosts of(Config config) {
        List<LookupTable> tables = new ArrayList<>();
        for (String spec : config.list("sender_dependent_relayhost_maps")) {
            tables.add(LookupTables.open(spec, config.configDirectory()));
        }
        return new SenderRelayhosts(tables, config.get("relayhost"), config.get("empty_address_relayhost_maps_lookup_key"));
    }

    /**
     * The nexthop this delivery goes to.
     *
     * @param nexthop         the nexthop the queue manager resolved
     * @param sender          the envelope sender
     * @param recipientDomain the domain of the delivery's recipients
     */
    String nexthop(String nexthop, MailAddress sender, String recipientDomain) {
        if (tables.isEmpty() || !defaultNexthop(nexthop, recipientDomain)) {
            return nexthop;
        }
        Optional<String> found = lookup(sender);
        if (found.isEmpty() || found.get().isBlank() || found.get().strip().equalsIgnoreCase("DUNNO")) {
            return nexthop;
        }
        return found.get().strip();
    }

    /** Whether the nexthop is what trivial-rewrite gives an off-host address: $relayhost, or the domain. */
    private boolean defaultNexthop(String nexthop, String recipientDomain) {
        String n = nexthop.strip();
        return relayhost.isEmpty() ? recipientDomain != null && n.equalsIgnoreCase(recipientDomain)
                : n.equalsIgnoreCase(relayhost);
    }

    /** Each key is asked of every table before the next key, as Postfix's mail_addr_find does. */
    private Optional<String> lookup(MailAddress sender) {
        List<String> keys = sender == null || sender.isNullSender() ? List.of(nullSenderKey)
                : sender.isQualified() ? List.of(sender.localPart() + "@" + sender.domainKey(), "@" + sender.domainKey())
                : List.of(sender.localPart());
        for (String key : keys) {
            for (LookupTable table : tables) {
                Optional<String> value = table.find(key);
                if (value.isPresent()) {
                    return value;
                }
            }
        }
        return Optional.empty();
    }
}
