package org.bulwark.restrict;

import java.util.List;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.mail.AddressRouting;

/** The main.cf parameters the restriction engine reads besides the lists themselves. */
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
        Dns dns,
        Unverified unverifiedRecipient,
        Unverified unverifiedSender) {

    /**
     * reject_unverified_recipient's or _sender's codes: {@code unverified_*_reject_code} for an
     * address that bounced, {@code unverified_*_defer_code} while unknown or deferred, whether a
     * 4xx waits for the list's permit ({@code unverified_*_tempfail_action = defer_if_permit}), and
     * {@code unverified_*_reject_reason}, which replaces the probe's text when not empty.
     */
    record Unverified(int rejectCode, int deferCode, boolean tempfailDeferIfPermit, String reason) {
        static Unverified from(Config config, String prefix) {
            return new Unverified(config.integer(prefix + "_reject_code"), config.integer(prefix + "_defer_code"),
                    tempfailAction(config, prefix + "_tempfail_action"), config.get(prefix + "_reject_reason"));
        }
    }

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

    static Settings from(Config config) {
        return new Settings(
                config.bool("smtpd_delay_reject"),
                config.bool("smtpd_reject_unlisted_recipient"),
                config.bool("smtpd_reject_unlisted_sender"),
                // receive_override_options = no_unknown_recipient_checks: a reinjection service
                // after a content filter takes the recipients the first smtpd already checked.
                config.list("receive_override_options").contains("no_unknown_recipient_checks"),
                config.bool("allow_untrusted_routing"),
                config.bool("soft_bounce"),
                config.bool("show_user_unknown_table_name"),
                parentStyle(config),
                new AddressRouting.Options(config.bool("swap_bangpath"), config.bool("allow_percent_hack"),
                        config.bool("resolve_dequoted_address")),
                config.integer("relay_domains_reject_code"),
                config.integer("reject_code"),
                config.integer("defer_code"),
                config.integer("access_map_reject_code"),
                config.integer("access_map_defer_code"),
                config.integer("invalid_hostname_reject_code"),
                config.integer("non_fqdn_reject_code"),
                config.integer("unknown_local_recipient_reject_code"),
                config.integer("unknown_virtual_mailbox_reject_code"),
                config.integer("unknown_virtual_alias_reject_code"),
                config.integer("unknown_relay_recipient_reject_code"),
                config.integer("multi_recipient_bounce_reject_code"),
                config.get("recipient_delimiter"),
                config.get("smtpd_null_access_lookup_key"),
                config.get("double_bounce_sender"),
                config.list("local_recipient_maps"),
                config.list("virtual_mailbox_maps"),
                config.list("virtual_alias_maps"),
                config.list("relay_recipient_maps"),
                concat(config.list("canonical_maps"), config.list("recipient_canonical_maps")),
                config.list("smtpd_sender_login_maps"),
                dns(config),
                Unverified.from(config, "unverified_recipient"),
                Unverified.from(config, "unverified_sender"));
    }

    private static Dns dns(Config config) {
        return new Dns(
                config.integer("unknown_client_reject_code"),
                config.integer("unknown_hostname_reject_code"),
                config.integer("unknown_address_reject_code"),
                config.integer("maps_rbl_reject_code"),
                // Unexpanded: its $rbl_* names are the hit's, filled in per reply.
                config.raw("default_rbl_reply"),
                config.list("rbl_reply_maps"),
                tempfailAction(config, "unknown_helo_hostname_tempfail_action"),
                tempfailAction(config, "unknown_address_tempfail_action"));
    }

    /** Postfix allows defer_if_permit (the default) or defer for what a DNS failure turns into. */
    private static boolean tempfailAction(Config config, String name) {
        String v = config.get(name).trim().toLowerCase(java.util.Locale.ROOT);
        return switch (v) {
            case "defer_if_permit" -> true;
            case "defer" -> false;
            default -> throw new ConfigException(RestrictTexts.badTempfailAction(name, v));
        };
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
        return config.list("parent_domain_matches_subdomains").stream()
                .anyMatch(s -> s.equalsIgnoreCase("smtpd_access_maps"));
    }
}
