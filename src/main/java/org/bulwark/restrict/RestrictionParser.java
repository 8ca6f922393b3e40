package org.bulwark.restrict;

import static org.bulwark.config.ListSyntax.split;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.bulwark.config.ConfigException;
import org.bulwark.config.Vocabulary;
import org.bulwark.table.LookupTable;

/**
 * Turns the text of a restriction list into {@link Restriction} objects, once. Restriction names
 * are case-insensitive, class names are not (as in Postfix). Tables are opened here, so a missing
 * file fails the configuration, not the first mail.
 */
final class RestrictionParser {

    /** Restrictions that take a {@code type:table} argument. */
    private static final Map<String, AccessKind> ACCESS = Map.of(
            "check_client_access", AccessKind.CLIENT,
            "check_reverse_client_hostname_access", AccessKind.REVERSE_CLIENT,
            "check_helo_access", AccessKind.HELO,
            "check_sender_access", AccessKind.SENDER,
            "check_recipient_access", AccessKind.RECIPIENT,
            "check_etrn_access", AccessKind.ETRN);

    /** check_{target}_{mx,ns,a}_access: the servers a name leads to, looked up in a table. */
    private static final Map<String, ServerCheck> SERVER_ACCESS = serverAccess();

    private record ServerCheck(ServerAccess.Type type, ServerAccess.Target target) {
    }

    /** DNS lists and what they ask about; the boolean says whether a listing permits. */
    private static final Map<String, Map.Entry<DnsLists.Target, Boolean>> DNS_LISTS = Map.of(
            "reject_rbl_client", Map.entry(DnsLists.Target.CLIENT_ADDRESS, false),
            "reject_rbl", Map.entry(DnsLists.Target.CLIENT_ADDRESS, false),
            "reject_rhsbl_client", Map.entry(DnsLists.Target.CLIENT_NAME, false),
            "reject_rhsbl_reverse_client", Map.entry(DnsLists.Target.REVERSE_CLIENT_NAME, false),
            "reject_rhsbl_helo", Map.entry(DnsLists.Target.HELO, false),
            "reject_rhsbl_sender", Map.entry(DnsLists.Target.SENDER, false),
            "reject_rhsbl_recipient", Map.entry(DnsLists.Target.RECIPIENT, false),
            "permit_dnswl_client", Map.entry(DnsLists.Target.CLIENT_ADDRESS, true),
            "permit_rhswl_client", Map.entry(DnsLists.Target.CLIENT_NAME, true));

    private static Map<String, ServerCheck> serverAccess() {
        Map<String, ServerCheck> out = new HashMap<>();
        for (ServerAccess.Target target : ServerAccess.Target.values()) {
            for (ServerAccess.Type type : ServerAccess.Type.values()) {
                out.put("check_" + target.word + "_" + type.name().toLowerCase(Locale.ROOT) + "_access",
                        new ServerCheck(type, target));
            }
        }
        return Map.copyOf(out);
    }

    private final Function<String, LookupTable> tables;
    /** Builds check_policy_service from its argument; null where policies are not wired. */
    private Function<String, Restriction> policies;
    private final Set<String> classNames;
    private final Consumer<String> warnings;
    private final Map<String, LookupTable> opened = new HashMap<>();

    RestrictionParser(Function<String, LookupTable> tables, Set<String> classNames, Consumer<String> warnings) {
        this.tables = tables;
        this.classNames = classNames;
        this.warnings = warnings;
    }

    RestrictionParser withPolicies(Function<String, Restriction> factory) {
        this.policies = factory;
        return this;
    }

    /**
     * Parses the list held by {@code parameter}.
     *
     * @throws ConfigException for an unknown restriction, a missing argument or a bad table
     */
    List<Restriction> parse(String parameter, String value) {
        List<String> tokens = split(value);
        List<Restriction> out = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            String name = token.toLowerCase(Locale.ROOT);
            String argument = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
            refuseNotImplemented(name, parameter);
            AccessKind access = ACCESS.get(name);
            if (access != null) {
                if (argument == null || argument.indexOf(':') < 0) {
                    throw new ConfigException(RestrictTexts.needsTable(name, parameter, argument));
                }
                out.add(new Restriction.CheckAccess(access, open(argument)));
                i++;
            } else if (name.equals("check_policy_service")) {
                if (argument == null) {
                    throw new ConfigException(RestrictTexts.needsArgument(name, parameter));
                }
                out.add(policies.apply(argument));
                i++;
            } else if (SERVER_ACCESS.containsKey(name)) {
                if (argument == null || argument.indexOf(':') < 0) {
                    throw new ConfigException(RestrictTexts.needsTable(name, parameter, argument));
                }
                ServerCheck kind = SERVER_ACCESS.get(name);
                out.add(new Restriction.CheckServerAccess(name, kind.type(), kind.target(), open(argument)));
                i++;
            } else if (DNS_LISTS.containsKey(name)) {
                if (argument == null || argument.indexOf(':') >= 0 || isRestrictionName(argument)) {
                    throw new ConfigException(RestrictTexts.rblWithoutDomain(name, parameter));
                }
                var list = DNS_LISTS.get(name);
                out.add(new Restriction.DnsList(name, list.getKey(), list.getValue(),
                        DnsLists.ListSpec.parse(name, argument)));
                i++;
            } else if (name.equals("check_ccert_access")) {
                if (argument == null) {
                    throw new ConfigException(RestrictTexts.needsTable(name, parameter, null));
                }
                var parsed = ClientCertificateChecks.Argument.parse(argument, parameter);
                out.add(new Restriction.CheckCcertAccess(open(parsed.table()), parsed.order()));
                i++;
            } else {
                Restriction simple = simple(name);
                if (simple != null) {
                    out.add(simple);
                } else if (classNames.contains(token)) {
                    out.add(new Restriction.RestrictionClass(token));
                } else if (token.indexOf(':') >= 0) {
                    out.add(new Restriction.ImplicitAccess(open(token)));
                } else if ("=".equals(argument) || token.indexOf('=') > 0) {
                    // An indented "name = value" line continues the list before it (guides do this).
                    String setting = token.indexOf('=') > 0 ? token.substring(0, token.indexOf('=')) : token;
                    throw new ConfigException(RestrictTexts.settingInRestrictionList(setting, parameter));
                } else {
                    throw new ConfigException(RestrictTexts.unknownRestriction(token, parameter));
                }
            }
        }
        return List.copyOf(out);
    }

    /** A restriction list found as an access table value; null if it names an unknown restriction. */
    List<Restriction> parseAccessValue(String value) {
        try {
            return parse("access table value", value);
        } catch (ConfigException e) {
            return null;
        }
    }

    private static Restriction simple(String name) {
        return switch (name) {
            case "permit" -> new Restriction.Permit();
            case "reject" -> new Restriction.Reject();
            case "defer" -> new Restriction.Defer();
            case "warn_if_reject" -> new Restriction.WarnIfReject();
            case "defer_if_permit" -> new Restriction.DeferIfPermit();
            case "defer_if_reject" -> new Restriction.DeferIfReject();
            case "permit_mynetworks" -> new Restriction.PermitMynetworks();
            case "permit_sasl_authenticated" -> new Restriction.PermitSaslAuthenticated();
            case "permit_tls_clientcerts" -> new Restriction.PermitTlsClientcerts(false);
            case "permit_tls_all_clientcerts" -> new Restriction.PermitTlsClientcerts(true);
            case "reject_unauth_destination" -> new Restriction.RejectUnauthDestination(false);
            case "defer_unauth_destination" -> new Restriction.RejectUnauthDestination(true);
            case "permit_auth_destination" -> new Restriction.PermitAuthDestination();
            case "reject_unauth_pipelining" -> new Restriction.RejectUnauthPipelining();
            case "reject_invalid_helo_hostname", "reject_invalid_hostname" ->
                    new Restriction.RejectInvalidHeloHostname(name);
            case "reject_non_fqdn_helo_hostname", "reject_non_fqdn_hostname" ->
                    new Restriction.RejectNonFqdnHeloHostname(name);
            case "reject_non_fqdn_sender" -> new Restriction.RejectNonFqdnSender();
            case "reject_non_fqdn_recipient" -> new Restriction.RejectNonFqdnRecipient();
            case "reject_unlisted_recipient", "check_recipient_maps" -> new Restriction.RejectUnlistedRecipient(name);
            case "reject_unlisted_sender" -> new Restriction.RejectUnlistedSender();
            case "reject_multi_recipient_bounce" -> new Restriction.RejectMultiRecipientBounce();
            case "reject_unverified_recipient" -> new Restriction.RejectUnverified(true);
            case "reject_unverified_sender" -> new Restriction.RejectUnverified(false);
            case "reject_unknown_client_hostname", "reject_unknown_client" ->
                    new Restriction.RejectUnknownClient(name, false);
            case "reject_unknown_reverse_client_hostname" -> new Restriction.RejectUnknownClient(name, true);
            case "reject_unknown_helo_hostname", "reject_unknown_hostname" -> new Restriction.RejectUnknownHelo(name);
            case "reject_unknown_sender_domain" -> new Restriction.RejectUnknownDomain(false);
            case "reject_unknown_recipient_domain" -> new Restriction.RejectUnknownDomain(true);
            case "reject_sender_login_mismatch" -> new Restriction.SenderLoginMismatch(name, true, true, false);
            case "reject_authenticated_sender_login_mismatch" ->
                    new Restriction.SenderLoginMismatch(name, true, false, false);
            case "reject_known_sender_login_mismatch" -> new Restriction.SenderLoginMismatch(name, true, true, true);
            case "reject_unauthenticated_sender_login_mismatch" ->
                    new Restriction.SenderLoginMismatch(name, false, true, false);
            default -> null;
        };
    }

    /** Whether a word is itself a restriction, i.e. a DNS list's domain was left out. */
    private boolean isRestrictionName(String word) {
        String lower = word.toLowerCase(Locale.ROOT);
        return simple(lower) != null || ACCESS.containsKey(lower) || DNS_LISTS.containsKey(lower)
                || SERVER_ACCESS.containsKey(lower) || classNames.contains(word);
    }

    /**
     * A restriction Postfix has and Bulwark does not is refused when the configuration loads,
     * never skipped when mail arrives: skipping a check changes what mail is accepted.
     */
    private static void refuseNotImplemented(String name, String parameter) {
        Vocabulary.restriction(name).map(Vocabulary.Entry::state).ifPresent(state -> {
            if (state instanceof Vocabulary.Refused refused) {
                throw new ConfigException(RestrictTexts.notImplemented(name, parameter, refused));
            }
        });
    }

    private LookupTable open(String spec) {
        return opened.computeIfAbsent(spec, tables);
    }
}
