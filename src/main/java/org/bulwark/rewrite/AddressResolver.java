package org.bulwark.rewrite;

import java.util.List;
import org.bulwark.config.Config;
import org.bulwark.mail.MailAddress;

/**
 * Postfix's trivial-rewrite and virtual alias expansion in one place: turns a queue-file recipient
 * into the final addresses and transports it is delivered by. Built once per configuration.
 */
public final class AddressResolver {

    public AddressResolver(Config config) {
        throw new UnsupportedOperationException("not built yet");
    }

    /**
     * Expands {@code virtual_alias_maps} recursively (up to Postfix's limits), then resolves each
     * result to a transport and nexthop by its address class. An address that cannot be delivered
     * (e.g. unknown in a virtual alias domain) resolves to transport {@code error} with the reason
     * as nexthop.
     */
    public List<Resolution> resolve(MailAddress recipient) {
        throw new UnsupportedOperationException("not built yet");
    }
}
