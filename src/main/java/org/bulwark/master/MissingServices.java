package org.bulwark.master;

import java.nio.file.Path;
import java.util.List;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.config.ServiceEntry;
import org.bulwark.table.LookupTables;

/**
 * A master.cf that accepts mail but lacks what delivers it: no qmgr, or no service for a transport
 * that main.cf routes mail to. Postfix starts such a system and mail piles up in the queue with
 * nothing in the log; Bulwark refuses to start (or to reload) with the line to add.
 */
final class MissingServices {

    /** Transports that qmgr handles itself, as Postfix's error(8) and retry do without a process here. */
    private static final List<String> BUILT_IN = List.of("error", "retry");

    private MissingServices() {
    }

    static void check(Config main, List<ServiceEntry> services) {
        boolean acceptsMail = services.stream().anyMatch(s -> s.command().equals("smtpd") && s.type().equals("inet")
                || s.command().equals("pickup"));
        if (!acceptsMail) {
            return;
        }
        if (services.stream().noneMatch(s -> s.command().equals("qmgr") || s.command().equals("oqmgr"))) {
            throw new ConfigException(masterCf(main, services), 0, MasterTexts.noQueueManager());
        }
        require(main, services, "default_transport", true);
        require(main, services, "local_transport", !main.list("mydestination").isEmpty());
        require(main, services, "virtual_transport", !main.list("virtual_mailbox_domains").isEmpty());
        require(main, services, "relay_transport", !main.list("relay_domains").isEmpty());
        for (String spec : main.list("transport_maps")) {
            LookupTables.open(spec, main.configDirectory()).allEntries().ifPresent(entries -> entries.forEach(
                    (key, value) -> requireMapped(main, services, spec, key, value)));
        }
    }

    /** A transport_maps entry's transport (empty: the one the address had anyway) must be a master.cf service. */
    private static void requireMapped(Config main, List<ServiceEntry> services, String spec, String key,
            String value) {
        String entry = value.strip();
        int colon = entry.indexOf(':');
        String transport = colon < 0 ? entry : entry.substring(0, colon);
        if (transport.isEmpty() || BUILT_IN.contains(transport)
                || services.stream().anyMatch(s -> s.service().equals(transport))) {
            return;
        }
        String message = MasterTexts.noMappedTransportService(spec, key, entry, transport);
        java.util.Optional<String> where = main.whereSet("transport_maps");
        throw where.isPresent() ? new ConfigException(where.get() + ": " + message)
                : new ConfigException(masterCf(main, services), 0, message);
    }

    /** When {@code routed}, the transport the parameter names must be a master.cf service. */
    private static void require(Config main, List<ServiceEntry> services, String parameter, boolean routed) {
        String value = main.get(parameter).strip();
        if (!routed || value.isEmpty()) {
            return;
        }
        int colon = value.indexOf(':');
        String transport = colon < 0 ? value : value.substring(0, colon);
        if (BUILT_IN.contains(transport) || services.stream().anyMatch(s -> s.service().equals(transport))) {
            return;
        }
        String message = MasterTexts.noTransportService(parameter, value, transport);
        java.util.Optional<String> where = main.whereSet(parameter);
        throw where.isPresent() ? new ConfigException(where.get() + ": " + message)
                : new ConfigException(masterCf(main, services), 0, message);
    }

    private static Path masterCf(Config main, List<ServiceEntry> services) {
        return services.isEmpty() ? main.configDirectory().resolve("master.cf") : services.get(0).file();
    }
}
