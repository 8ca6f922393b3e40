package org.bulwark.restrict;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.table.LookupTable;

/**
 * The DNS block lists a configuration asks about a client's address: {@code reject_rbl_client}
 * (and its old name {@code reject_rbl}) in any restriction list or class, read with smtpd's own
 * parser, and {@code postscreen_dnsbl_sites} entries with a positive weight. Nothing is opened:
 * tables stay unread and policy servers uncontacted, so a tool may ask without side effects.
 */
public final class ClientBlockLists {

    /** Stands in for every table: the lists' names are what is wanted, not their contents. */
    private static final LookupTable UNOPENED = new LookupTable() {
        @Override
        public Optional<String> find(String key) {
            return Optional.empty();
        }

        @Override
        public String spec() {
            return "";
        }
    };

    private ClientBlockLists() {
    }

    /** The lists' domains in the order the configuration names them, lower case, each once. */
    public static Set<String> of(Config config) {
        Set<String> classNames = Set.copyOf(config.list("smtpd_restriction_classes"));
        RestrictionParser parser = new RestrictionParser(spec -> UNOPENED, classNames, warning -> { });
        List<String> parameters = new ArrayList<>();
        for (Stage stage : Stage.values()) {
            parameters.add(stage.parameter());
        }
        parameters.add("smtpd_relay_restrictions");
        parameters.addAll(classNames);
        Set<String> domains = new LinkedHashSet<>();
        for (String parameter : parameters) {
            try {
                for (Restriction restriction : parser.parse(parameter, config.get(parameter))) {
                    if (restriction instanceof Restriction.DnsList list && !list.permit()
                            && list.target() == DnsLists.Target.CLIENT_ADDRESS) {
                        domains.add(list.list().domain());
                    }
                }
            } catch (ConfigException e) {
                // A list smtpd would refuse: the server does not start with it, and says why.
            }
        }
        for (String site : config.list("postscreen_dnsbl_sites")) {
            // postscreen(8): site[=filter][*weight]; a negative weight is an allow list.
            int star = site.lastIndexOf('*');
            String weight = star < 0 ? "1" : site.substring(star + 1);
            if (!weight.startsWith("-")) {
                try {
                    domains.add(DnsLists.ListSpec.parse("postscreen_dnsbl_sites", star < 0 ? site : site.substring(0, star))
                            .domain());
                } catch (ConfigException e) {
                    // Not a list spec smtpd could read either: nothing to look up.
                }
            }
        }
        return domains;
    }
}
