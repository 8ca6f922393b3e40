package org.bulwark.restrict;

import java.util.List;
import java.util.Locale;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.mail.AddressRouting;

/**
 * The main.cf parameters the restriction engine reads besides the lists themselves, with
 * Postfix 3.7's defaults for a parameter the configuration leaves unset.
 */
record Settings(
        boolean delayReject,
        boolean rejectUnlistedRecipient,
        boolean rejectUnlistedSender,
        boolean allowUntrustedRouting,
        boolean softBounce,
        boolean showUnknownTable,
        boolean parentMatchesSubdomains,
        AddressRouting.Options routing,
        int relayCode,
        int rejectCode,
        int deferCode,
        int accessRejectCode,
        int accessDeferCode,
        int badNameCode,
        int nonFqdnCode,
        int localRecipientCode,
        int virtualMailboxCode,
        int virtualAliasCode,
        int relayRecipientCode,
        int multiRecipientBounceCode,
        String recipientDelimiter,
        String nullAccessKey,
        String doubleBounceSender,
        List<String> localRecipientMaps,
        List<String> virtualMailboxMaps,
        List<String> virtualAliasMaps,
        List<String> relayRecipientMaps,
        List<String> canonicalMaps,
        List<String> senderLoginMaps) {

    static Settings from(Config config) {
        return new Settings(
                bool(config, "smtpd_delay_reject", true),
                bool(config, "smtpd_reject_unlisted_recipient", true),
                bool(config, "smtpd_reject_unlisted_sender", false),
                bool(config, "allow_untrusted_routing", false),
                bool(config, "soft_bounce", false),
                bool(config, "show_user_unknown_table_name", true),
                parentStyle(config),
                new AddressRouting.Options(bool(config, "swap_bangpath", true),
                        bool(config, "allow_percent_hack", true),
                        bool(config, "resolve_dequoted_address", true)),
                code(config, "relay_domains_reject_code", 554),
                code(config, "reject_code", 554),
                code(config, "defer_code", 450),
                code(config, "access_map_reject_code", 554),
                code(config, "access_map_defer_code", 450),
                code(config, "invalid_hostname_reject_code", 501),
                code(config, "non_fqdn_reject_code", 504),
                code(config, "unknown_local_recipient_reject_code", 550),
                code(config, "unknown_virtual_mailbox_reject_code", 550),
                code(config, "unknown_virtual_alias_reject_code", 550),
                code(config, "unknown_relay_recipient_reject_code", 550),
                code(config, "multi_recipient_bounce_reject_code", 550),
                value(config, "recipient_delimiter", ""),
                value(config, "smtpd_null_access_lookup_key", "<>"),
                value(config, "double_bounce_sender", "double-bounce"),
                tables(config, "local_recipient_maps", "proxy:unix:passwd.byname $alias_maps"),
                tables(config, "virtual_mailbox_maps", ""),
                tables(config, "virtual_alias_maps", ""),
                tables(config, "relay_recipient_maps", ""),
                concat(tables(config, "canonical_maps", ""), tables(config, "recipient_canonical_maps", "")),
                tables(config, "smtpd_sender_login_maps", ""));
    }

    /** A parameter's value, or Postfix's default when the configuration does not set it. */
    static String value(Config config, String name, String postfixDefault) {
        return config.isSet(name) ? config.get(name) : postfixDefault;
    }

    private static boolean bool(Config config, String name, boolean postfixDefault) {
        return config.isSet(name) ? config.bool(name) : postfixDefault;
    }

    private static int code(Config config, String name, int postfixDefault) {
        if (!config.isSet(name)) {
            return postfixDefault;
        }
        try {
            return Integer.parseInt(config.get(name).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(Replies.badNumber(name, config.get(name)));
        }
    }

    private static List<String> tables(Config config, String name, String postfixDefault) {
        if (config.isSet(name)) {
            return RestrictionParser.split(config.get(name));
        }
        // The default may refer to other parameters ($alias_maps); expand those through the config.
        List<String> out = new java.util.ArrayList<>();
        for (String item : RestrictionParser.split(postfixDefault)) {
            if (item.startsWith("$")) {
                String ref = item.substring(1).replace("{", "").replace("}", "");
                out.addAll(config.isSet(ref) ? RestrictionParser.split(config.get(ref)) : aliasMapsDefault(ref));
            } else {
                out.add(item);
            }
        }
        return out;
    }

    private static List<String> aliasMapsDefault(String name) {
        return name.equals("alias_maps") ? List.of("hash:/etc/aliases") : List.of();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /**
     * Whether an access table key {@code example.com} also matches its subdomains (Postfix's
     * parent_domain_matches_subdomains lists smtpd_access_maps by default) or only
     * {@code .example.com} does.
     */
    private static boolean parentStyle(Config config) {
        if (!config.isSet("parent_domain_matches_subdomains")) {
            return true;
        }
        return config.list("parent_domain_matches_subdomains").stream()
                .anyMatch(s -> s.toLowerCase(Locale.ROOT).equals("smtpd_access_maps"));
    }
}
