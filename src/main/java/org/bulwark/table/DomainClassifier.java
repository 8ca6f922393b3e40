package org.bulwark.table;

import org.bulwark.config.Config;

/**
 * Says which {@link AddressClass} a domain is in, from {@code mydestination},
 * {@code virtual_alias_domains}, {@code virtual_mailbox_domains}, {@code relay_domains} and the
 * machine's own addresses as {@code [ip]} literals. Built once per configuration.
 */
public final class DomainClassifier {

    public DomainClassifier(Config config) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** The class of a domain (case-insensitive; a trailing dot is not stripped: Postfix rejects it). */
    public AddressClass classify(String domain) {
        throw new UnsupportedOperationException("not built yet");
    }
}
