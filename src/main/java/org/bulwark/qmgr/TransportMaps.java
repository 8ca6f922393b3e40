package org.bulwark.qmgr;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bulwark.config.Config;
import org.bulwark.mail.MailAddress;
import org.bulwark.rewrite.AddressResolver;
import org.bulwark.rewrite.Resolution;
import org.bulwark.table.LookupTable;
import org.bulwark.table.LookupTables;

/**
 * transport(5) on top of the address class's transport: for each resolved address the tables in
 * {@code transport_maps} are asked for the full address, the domain, each parent {@code .domain}
 * and finally {@code *}; a {@code transport:nexthop} result replaces the resolution's, an empty
 * part keeping what it had. Error and retry results are left alone.
 */
final class TransportMaps implements Routing {

    private final Routing resolver;
    private final List<LookupTable> tables;

    private TransportMaps(Routing resolver, List<LookupTable> tables) {
        this.resolver = resolver;
        this.tables = tables;
    }

    static Routing around(Routing resolver, Config config) {
        List<LookupTable> tables = new ArrayList<>();
        for (String spec : config.list("transport_maps")) {
            tables.add(LookupTables.open(spec, config.configDirectory()));
        }
        return tables.isEmpty() ? resolver : new TransportMaps(resolver, List.copyOf(tables));
    }

    @Override
    public List<Resolution> resolve(MailAddress address, MailAddress sender) {
        List<Resolution> out = new ArrayList<>();
        for (Resolution r : resolver.resolve(address, sender)) {
            out.add(route(r));
        }
        return out;
    }

    private Resolution route(Resolution r) {
        if (r.transport().equals(AddressResolver.ERROR_TRANSPORT) || r.transport().equals(AddressResolver.RETRY_TRANSPORT)) {
            return r;
        }
        Optional<String> found = find(r.address());
        if (found.isEmpty()) {
            return r;
        }
        String value = found.get().trim();
        int colon = value.indexOf(':');
        String transport = colon < 0 ? value : value.substring(0, colon);
        String nexthop = colon < 0 ? "" : value.substring(colon + 1);
        return new Resolution(transport.isEmpty() ? r.transport() : transport,
                nexthop.isEmpty() ? r.nexthop() : nexthop, r.address());
    }

    private Optional<String> find(MailAddress address) {
        List<String> keys = new ArrayList<>();
        if (address.domain() != null) {
            keys.add(address.internal());
            String domain = address.domainKey();
            keys.add(domain);
            for (int dot = domain.indexOf('.'); dot >= 0; dot = domain.indexOf('.', dot + 1)) {
                keys.add(domain.substring(dot));
            }
        }
        keys.add("*");
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
