package org.bulwark.restrict;

import java.util.List;
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
        boolean noUnknownRecipientChecks,
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
        List<String> senderLoginMaps,
        Dns dns) {

    /**
     * The codes and texts of the DNS-based restrictions.
     *
     * @param defaultRblReply            the unexpanded default_rbl_reply template
     * @param rblReplyMaps               rbl_reply_maps table specs
     * @param heloTempfailDeferIfPermit  unknown_helo_hostname_tempfail_action is defer_if_permit (else defer)
     * @param addressTempfailDeferIfPermit unknown_address_tempfail_action is defer_if_permit (else defer)
     */
    record Dns(int unknownClientCode, int unknownHostnameCode, int unknownAddressCode, int rblCode,
            String defaultRblReply, List<String> rblReplyMaps, boolean heloTempfailDeferIfPermit,
            boolean addressTempfailDeferIfPermit) {
    }

    /** Postfix's default_rbl_reply. */
    static final String DEFAULT_RBL_REPLY = "$rbl_code Service unavailable; $rbl_class [$rbl_what] blocked using"
            + " $rbl_domain${rbl_reason?; $rbl_reason}";

    static Settings from(Config config) {
        return new Settings(
                bool(config, "smtpd_delay_reject", true),
                bool(config, "smtpd_reject_unlisted_recipient", true),
                bool(config, "smtpd_reject_unlisted_sender", false),
                // receive_override_options = no_unknown_recipient_checks: a reinjection service
                // after a content filter takes the recipients the first smtpd already checked.
                config.list("receive_override_options").contains("no_unknown_recipient_checks"),
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
                tables(config, "smtpd_sender_login_maps", ""),
                dns(config));
    }

    private static Dns dns(Config config) {
        String rejectTempfail = value(config, "reject_tempfail_action", "defer_if_permit");
        String rblReply = config.isSet("default_rbl_reply") || !config.raw("default_rbl_reply").isBlank()
                ? config.raw("default_rbl_reply") : DEFAULT_RBL_REPLY;
        return new Dns(
                code(config, "unknown_client_reject_code", 450),
                code(config, "unknown_hostname_reject_code", 450),
                code(config, "unknown_address_reject_code", 450),
                code(config, "maps_rbl_reject_code", 554),
                rblReply,
                tables(config, "rbl_reply_maps", ""),
                tempfailAction(config, "unknown_helo_hostname_tempfail_action", rejectTempfail),
                tempfailAction(config, "unknown_address_tempfail_action", rejectTempfail));
    }

    /** Postfix allows defer_if_permit (the default) or defer for what a DNS failure turns into. */
    private static boolean tempfailAction(Config config, String name, String fallback) {
        String v = value(config, name, fallback).trim().toLowerCase(java.util.Locale.ROOT);
        if (v.startsWith("$")) {
            v = fallback.trim().toLowerCase(java.util.Locale.ROOT);
        }
        return switch (v) {
            case "defer_if_permit" -> true;
            case "defer" -> false;
            default -> throw new ConfigException(Replies.badTempfailAction(name, v));
        };
    }

    /**
     * A parameter's value: as set, else the configuration's own default, else (for a
     * configuration that knows no defaults) Postfix's.
     */
    static String value(Config config, String name, String postfixDefault) {
        if (config.isSet(name)) {
            return config.get(name);
        }
        String known = config.get(name);
        return known.isBlank() ? postfixDefault : known;
    }

    private static boolean bool(Config config, String name, boolean postfixDefault) {
        String v = value(config, name, postfixDefault ? "yes" : "no").trim();
        return v.equalsIgnoreCase("yes") || v.equalsIgnoreCase("true");
    }

    private static int code(Config config, String name, int postfixDefault) {
        if (!config.isSet(name) && config.get(name).isBlank()) {
            return postfixDefault;
        }
        try {
            return Integer.parseInt(config.get(name).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(Replies.badNumber(name, config.get(name)));
        }
    }

    private static List<String> tables(Config config, String name, String postfixDefault) {
        if (config.isSet(name) || !config.get(name).isBlank()) {
            return RestrictionParser.split(config.get(name));
        }
        // The default may refer to other parameters ($alias_maps); expand those through the config.
        List<String> out = new java.util.ArrayList<>();
        for (String item : RestrictionParser.split(postfixDefault)) {
            if (item.startsWith("$")) {
                String ref = item.substring(1).replace("{", "").replace("}", "");
                String known = config.get(ref);
                boolean configured = config.isSet(ref) || !known.isBlank();
                out.addAll(configured ? RestrictionParser.split(known) : aliasMapsDefault(ref));
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
        return RestrictionParser.split(value(config, "parent_domain_matches_subdomains", "smtpd_access_maps")).stream()
                .anyMatch(s -> s.equalsIgnoreCase("smtpd_access_maps"));
    }
}
