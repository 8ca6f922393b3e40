package org.bulwark.rewrite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.bulwark.config.Config;
import org.bulwark.mail.AddressRouting;
import org.bulwark.mail.MailAddress;
import org.bulwark.table.AddressClass;
import org.bulwark.table.AddressSearch;
import org.bulwark.table.DomainClassifier;
import org.bulwark.table.LookupTable;
import org.bulwark.table.LookupTables;

/**
 * Postfix's trivial-rewrite and virtual alias expansion in one place: turns a queue-file recipient
 * into the final addresses and transports it is delivered by. Built once per configuration;
 * thread-safe once built.
 */
public final class AddressResolver {

    /** The transport that bounces with its nexthop as the reason (Postfix's error(8)). */
    public static final String ERROR_TRANSPORT = "error";
    /** The transport that defers with its nexthop as the reason (error(8) as {@code retry}). */
    public static final String RETRY_TRANSPORT = "retry";

    private final List<LookupTable> virtualAliasMaps;
    private final Function<String, AddressClass> classifier;
    private final String myorigin;
    private final String myhostname;
    private final String localTransport;
    private final String virtualTransport;
    private final String relayTransport;
    private final String defaultTransport;
    private final AddressSearch senderDefaultTransports;
    private final String nullSenderDefaultTransportKey;
    private final String relayhost;
    private final String recipientDelimiter;
    private final boolean appendAtMyorigin;
    private final AddressRouting.Options routing;
    private final boolean propagateExtensions;
    private final int recursionLimit;
    private final int expansionLimit;

    public AddressResolver(Config config) {
        this(config, LookupTables::open, new DomainClassifier(config)::classify);
    }

    /**
     * @param tableOpener opens a {@code type:name} table relative to the configuration directory,
     *                    as {@link LookupTables#open} does
     * @param classifier  the address class of a domain, as {@link DomainClassifier#classify} says
     */
    public AddressResolver(Config config, BiFunction<String, Path, LookupTable> tableOpener,
            Function<String, AddressClass> classifier) {
        this.classifier = classifier;
        this.myhostname = config.get("myhostname");
        this.myorigin = config.get("myorigin").strip();
        this.localTransport = config.get("local_transport");
        this.virtualTransport = config.get("virtual_transport");
        this.relayTransport = config.get("relay_transport");
        this.defaultTransport = config.get("default_transport");
        this.relayhost = config.get("relayhost").trim();
        this.recipientDelimiter = config.get("recipient_delimiter");
        this.appendAtMyorigin = config.bool("append_at_myorigin");
        this.routing = new AddressRouting.Options(config.bool("swap_bangpath"), config.bool("allow_percent_hack"),
                config.bool("resolve_dequoted_address"));
        this.propagateExtensions = config.list("propagate_unmatched_extensions").stream()
                .anyMatch(item -> item.equalsIgnoreCase("virtual"));
        this.recursionLimit = config.integer("virtual_alias_recursion_limit");
        this.expansionLimit = config.integer("virtual_alias_expansion_limit");
        List<LookupTable> maps = new ArrayList<>();
        for (String spec : config.list("virtual_alias_maps")) {
            maps.add(tableOpener.apply(spec, config.configDirectory()));
        }
        this.virtualAliasMaps = List.copyOf(maps);
        List<LookupTable> senderTables = new ArrayList<>();
        for (String spec : config.list("sender_dependent_default_transport_maps")) {
            senderTables.add(tableOpener.apply(spec, config.configDirectory()));
        }
        this.senderDefaultTransports = senderTables.isEmpty() ? null
                : new AddressSearch(senderTables, recipientDelimiter,
                        domain -> domain.equalsIgnoreCase(myorigin) || classifier.apply(domain) == AddressClass.LOCAL);
        this.nullSenderDefaultTransportKey = config.get("empty_address_default_transport_maps_lookup_key").strip();
    }

    /**
     * Expands {@code virtual_alias_maps} recursively (up to Postfix's limits), then resolves each
     * result to a transport and nexthop by its address class. An address that cannot be delivered
     * (e.g. unknown in a virtual alias domain) resolves to transport {@code error} with the reason
     * as nexthop; a temporary problem (alias loops too deep, a table failure) to {@code retry}.
     */
    public List<Resolution> resolve(MailAddress recipient) {
        return resolve(recipient, null);
    }

    /**
     * As {@link #resolve(MailAddress)}, for a message from {@code sender}: an address of the
     * default class goes through the sender's {@code sender_dependent_default_transport_maps}
     * transport when it has one.
     *
     * @param sender the envelope sender; null when there is none to look up (default_transport applies)
     */
    public List<Resolution> resolve(MailAddress recipient, MailAddress sender) {
        MailAddress start = qualify(recipient);
        Set<MailAddress> finals = new LinkedHashSet<>();
        try {
            expand(start, 0, finals);
        } catch (ExpansionProblem problem) {
            return List.of(new Resolution(RETRY_TRANSPORT, problem.getMessage(), start));
        } catch (RuntimeException tableFailure) {
            return List.of(new Resolution(RETRY_TRANSPORT, ResolveTexts.aliasLookupFailed(start.external()), start));
        }
        List<Resolution> out = new ArrayList<>(finals.size());
        for (MailAddress address : finals) {
            out.add(route(address, sender));
        }
        return out;
    }

    /** Resolves one address to its transport without virtual alias expansion (trivial-rewrite's resolve). */
    public Resolution route(MailAddress recipient) {
        return route(recipient, null);
    }

    /** As {@link #route(MailAddress)}, with the sender-dependent default transport of {@code sender} (null: none). */
    public Resolution route(MailAddress recipient, MailAddress sender) {
        MailAddress address = routeLocalPart(qualify(recipient));
        AddressClass addressClass = address.domain() == null ? AddressClass.LOCAL : classifier.apply(address.domainKey());
        return switch (addressClass) {
            case LOCAL -> withTransport(localTransport, myhostname, address);
            case VIRTUAL_ALIAS -> new Resolution(ERROR_TRANSPORT, ResolveTexts.UNKNOWN_IN_VIRTUAL_ALIAS_TABLE, address);
            case VIRTUAL_MAILBOX -> withTransport(virtualTransport, address.domain(), address);
            // relay_transport(5) and default_transport(5): "the nexthop destination is taken from
            // $..._transport, $relayhost, or from the recipient domain", in that order.
            case RELAY -> withTransport(relayTransport, relayhostOr(address.domain()), address);
            // Over default_transport, the sender's transport (resolve.c): still transport:nexthop,
            // its nexthop over $relayhost and the domain.
            case DEFAULT -> withTransport(defaultTransport(sender), relayhostOr(address.domain()), address);
        };
    }

    /**
     * sender_dependent_default_transport_maps: the envelope sender, then its {@code @domain}
     * (mail_addr_find's order; the null sender as empty_address_default_transport_maps_lookup_key).
     * DUNNO, or an empty result, which Postfix ignores, stops the search with default_transport.
     * A table that fails throws, and the queue manager defers the recipient.
     */
    private String defaultTransport(MailAddress sender) {
        if (senderDefaultTransports == null || sender == null) {
            return defaultTransport;
        }
        Optional<String> found = sender.isNullSender() ? senderDefaultTransports.find(nullSenderDefaultTransportKey)
                : senderDefaultTransports.find(sender);
        String value = found.map(String::strip).orElse("");
        return value.isEmpty() || value.equalsIgnoreCase("DUNNO") ? defaultTransport : value;
    }

    private void expand(MailAddress address, int depth, Set<MailAddress> finals) throws ExpansionProblem {
        if (depth > recursionLimit) {
            throw new ExpansionProblem(ResolveTexts.aliasNesting(address.external()));
        }
        Optional<List<MailAddress>> targets = lookupAlias(address);
        if (targets.isEmpty()) {
            addFinal(address, finals);
            return;
        }
        for (MailAddress target : targets.get()) {
            // An alias that lists itself is delivered as itself, not expanded again (virtual(5)).
            if (sameAddress(target, address)) {
                addFinal(target, finals);
            } else {
                expand(target, depth + 1, finals);
            }
        }
    }

    private void addFinal(MailAddress address, Set<MailAddress> finals) throws ExpansionProblem {
        finals.add(normalized(address));
        if (finals.size() > expansionLimit) {
            throw new ExpansionProblem(ResolveTexts.aliasExpansionSize(address.external()));
        }
    }

    /**
     * virtual(5) lookup order: user+ext@domain, user@domain, user+ext and user (only for
     * $myorigin and local domains), @domain. An extension that the matching key did not contain is
     * carried over to the result (propagate_unmatched_extensions).
     */
    private Optional<List<MailAddress>> lookupAlias(MailAddress address) {
        if (virtualAliasMaps.isEmpty() || address.domain() == null) {
            return Optional.empty();
        }
        String local = address.localPart();
        String domain = address.domainKey();
        String bare = stripExtension(local);
        String extension = bare.equals(local) ? null : local.substring(bare.length());
        boolean localDomain = domain.equalsIgnoreCase(myorigin) || classifier.apply(domain) == AddressClass.LOCAL;
        List<String[]> keys = new ArrayList<>();
        keys.add(new String[] {local + "@" + domain, null});
        if (extension != null) {
            keys.add(new String[] {bare + "@" + domain, extension});
        }
        if (localDomain) {
            keys.add(new String[] {local, null});
            if (extension != null) {
                keys.add(new String[] {bare, extension});
            }
        }
        keys.add(new String[] {"@" + domain, extension});
        for (String[] key : keys) {
            for (LookupTable table : virtualAliasMaps) {
                Optional<String> value = table.find(key[0]);
                if (value.isPresent()) {
                    return Optional.of(parseTargets(value.get(), key[1]));
                }
            }
        }
        return Optional.empty();
    }

    private List<MailAddress> parseTargets(String value, String extension) {
        List<MailAddress> targets = new ArrayList<>();
        for (String item : value.split("[,\\s]+")) {
            String text = item.strip();
            if (text.startsWith("<") && text.endsWith(">")) {
                text = text.substring(1, text.length() - 1);
            }
            if (text.isEmpty()) {
                continue;
            }
            MailAddress target = qualify(MailAddress.of(text));
            if (extension != null && propagateExtensions) {
                target = new MailAddress(target.localPart() + extension, target.domain());
            }
            targets.add(target);
        }
        return targets;
    }

    /**
     * trivial-rewrite's routing of a local part in a local domain, the same rule smtpd's
     * restrictions judge the address by, so that what is accepted and where it goes agree.
     */
    private MailAddress routeLocalPart(MailAddress address) {
        return AddressRouting.resolve(address,
                domain -> classifier.apply(domain) == AddressClass.LOCAL, routing).address();
    }

    private Resolution withTransport(String spec, String defaultNexthop, MailAddress address) {
        String value = spec.strip();
        int colon = value.indexOf(':');
        String transport = colon < 0 ? value : value.substring(0, colon);
        String nexthop = colon < 0 ? "" : value.substring(colon + 1);
        if (nexthop.isEmpty()) {
            nexthop = defaultNexthop == null ? "" : defaultNexthop;
        }
        return new Resolution(transport, nexthop, address);
    }

    private String relayhostOr(String domain) {
        return relayhost.isEmpty() ? domain : relayhost;
    }

    private MailAddress qualify(MailAddress address) {
        if (address.domain() != null || address.isNullSender() || !appendAtMyorigin) {
            return address;
        }
        return address.withDomain(myorigin);
    }

    private String stripExtension(String local) {
        if (recipientDelimiter.isEmpty()) {
            return local;
        }
        for (int i = 0; i < local.length(); i++) {
            if (recipientDelimiter.indexOf(local.charAt(i)) >= 0 && i > 0) {
                return local.substring(0, i);
            }
        }
        return local;
    }

    private static boolean sameAddress(MailAddress a, MailAddress b) {
        return normalized(a).equals(normalized(b));
    }

    private static MailAddress normalized(MailAddress address) {
        return address.domain() == null ? address : address.withDomain(address.domainKey());
    }

    private static final class ExpansionProblem extends Exception {
        ExpansionProblem(String reason) {
            super(reason, null, false, false);
        }
    }
}
