package org.bulwark.restrict;

import java.net.InetAddress;
import java.util.function.Function;
import java.util.function.Predicate;
import org.bulwark.config.Config;
import org.bulwark.dns.DnsResolver;
import org.bulwark.table.AddressClass;
import org.bulwark.table.DomainClassifier;
import org.bulwark.table.LookupTable;
import org.bulwark.table.LookupTables;
import org.bulwark.table.NetworkList;
import org.bulwark.verify.AddressVerifier;

/**
 * What restrictions need from the layers below: the class of a domain, membership of mynetworks,
 * tables opened by their {@code type:name}, and DNS.
 *
 * @param classifier domain (lower case) to its address class
 * @param mynetworks whether a client address is in {@code mynetworks}
 * @param tables     opens a table; throws ConfigException when it cannot
 * @param dns        the resolver the DNS-based restrictions ask (shared, with its cache)
 * @param verifier   the verify(8) service reject_unverified_* asks; null where master.cf has none
 *                   (those restrictions then answer "address verification problem")
 */
record Environment(
        Function<String, AddressClass> classifier,
        Predicate<InetAddress> mynetworks,
        Function<String, LookupTable> tables,
        DnsResolver dns,
        AddressVerifier verifier) {

    Environment(Function<String, AddressClass> classifier, Predicate<InetAddress> mynetworks,
            Function<String, LookupTable> tables, DnsResolver dns) {
        this(classifier, mynetworks, tables, dns, null);
    }

    /** This environment with the verify service. */
    Environment withVerifier(AddressVerifier service) {
        return new Environment(classifier, mynetworks, tables, dns, service);
    }

    /** The environment built from the configuration by the table layer. */
    static Environment of(Config config, DnsResolver dns) {
        DomainClassifier domains = new DomainClassifier(config);
        NetworkList networks = NetworkList.parse(config.list("mynetworks"), config.configDirectory());
        // local_recipient_maps names $alias_maps: those files are in aliases(5) format (name: target).
        java.util.Set<String> aliasMaps = new java.util.HashSet<>(config.list("alias_maps"));
        return new Environment(domains::classify, networks::matches,
                spec -> aliasMaps.contains(spec)
                        ? LookupTables.openAliases(spec, config.configDirectory())
                        : LookupTables.open(spec, config.configDirectory()), dns);
    }
}
