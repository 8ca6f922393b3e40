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
        requireVerify(main, services);
        require(main, services, "default_transport", true);
        require(main, services, "local_transport", !main.list("mydestination").isEmpty());
        require(main, services, "virtual_transport", !main.list("virtual_mailbox_domains").isEmpty());
        require(main, services, "relay_transport", !main.list("relay_domains").isEmpty());
        for (String spec : main.list("transport_maps")) {
            LookupTables.open(spec, main.configDirectory()).allEntries().ifPresent(entries -> entries.forEach(
                    (key, value) -> requireMapped(main, services, spec, key, value)));
        }
    }

    /**
     * reject_unverified_recipient or reject_unverified_sender, in main.cf or an smtpd service's
     * -o overrides, needs master.cf's verify service; without it Postfix's smtpd answers
     * "address verification problem" to every address, here the start is refused instead.
     */
    private static void requireVerify(Config main, List<ServiceEntry> services) {
        String name = main.get("address_verify_service_name").strip();
        if (services.stream().anyMatch(s -> s.command().equals("verify") && s.service().equals(name))) {
            return;
        }
        for (String parameter : VERIFY_LISTS) {
            String restriction = verifyRestriction(main.get(parameter));
            if (restriction != null) {
                String message = MasterTexts.noVerifyService(restriction, parameter, name);
                java.util.Optional<String> where = main.whereSet(parameter);
                throw where.isPresent() ? new ConfigException(where.get() + ": " + message)
                        : new ConfigException(masterCf(main, services), 0, message);
            }
        }
        for (ServiceEntry service : services) {
            for (var override : service.overrides().entrySet()) {
                String restriction = verifyRestriction(main.with(service).get(override.getKey()));
                if (restriction != null && service.command().equals("smtpd")) {
                    throw new ConfigException(service.file(), service.line(),
                            MasterTexts.noVerifyService(restriction, override.getKey(), name));
                }
            }
        }
        for (String parameter : main.list("smtpd_restriction_classes")) {
            String restriction = verifyRestriction(main.get(parameter));
            if (restriction != null) {
                String message = MasterTexts.noVerifyService(restriction, parameter, name);
                java.util.Optional<String> where = main.whereSet(parameter);
                throw where.isPresent() ? new ConfigException(where.get() + ": " + message)
                        : new ConfigException(masterCf(main, services), 0, message);
            }
        }
    }

    private static final List<String> VERIFY_LISTS = List.of("smtpd_client_restrictions", "smtpd_helo_restrictions",
            "smtpd_sender_restrictions", "smtpd_relay_restrictions", "smtpd_recipient_restrictions",
            "smtpd_data_restrictions", "smtpd_end_of_data_restrictions", "smtpd_etrn_restrictions");

    /** The reject_unverified_* restriction a list names, or null. */
    private static String verifyRestriction(String list) {
        for (String token : org.bulwark.config.ListSyntax.split(list)) {
            String lower = token.toLowerCase(java.util.Locale.ROOT);
            if (lower.equals("reject_unverified_recipient") || lower.equals("reject_unverified_sender")) {
                return lower;
            }
        }
        return null;
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
