package org.bulwark.config;

import static org.bulwark.config.ParameterType.BOOLEAN;
import static org.bulwark.config.ParameterType.INTEGER;
import static org.bulwark.config.ParameterType.LIST;
import static org.bulwark.config.ParameterType.SIZE;
import static org.bulwark.config.ParameterType.STRING;
import static org.bulwark.config.ParameterType.TIME;

import java.util.Collection;
import java.util.Collections;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The parameter registry: every main.cf parameter Bulwark knows, with Postfix 3.7's default
 * (Postfix 3.9's for smtpd_forbid_bare_newline), looked up in postconf(5). Bulwark applies
 * Postfix's current defaults, as with {@code compatibility_level = 3.7}: relay_domains is empty,
 * mynetworks_style is host and smtpd_relay_restrictions is set.
 */
public final class Parameters {

    private static final TreeMap<String, Parameter> TABLE = new TreeMap<>();

    static {
        // Identity of this mail system.
        computed("myhostname", STRING, "the fully-qualified domain name of this mail system");
        computed("mydomain", STRING, "the internet domain of this mail system (myhostname minus its first label)");
        str("myorigin", "$myhostname", "the domain that locally-posted mail appears to come from");
        list("mydestination", "$myhostname, localhost.$mydomain, localhost", "domains delivered locally");
        computed("mynetworks", LIST, "trusted SMTP clients (default computed from mynetworks_style)");
        str("mynetworks_style", "host", "how to compute mynetworks: host, subnet or class");
        list("relay_domains", "", "domains this system relays mail to");
        list("inet_interfaces", "all", "the network interface addresses to listen on");
        list("inet_protocols", "all", "the IP protocols to use: ipv4, ipv6 or all");
        list("proxy_interfaces", "", "addresses of proxies or NAT devices that forward mail to us");
        str("mail_name", "Bulwark", "the mail system name in banners and headers");
        str("syslog_name", "postfix", "the name in front of every log line");
        str("smtpd_banner", "$myhostname ESMTP $mail_name", "text after 220 in the SMTP greeting");
        str("compatibility_level", "3.7", "the Postfix version whose defaults apply (Bulwark always applies current ones)");
        bool("biff", "yes", "notify the local biff service of new mail");

        // Files and directories.
        str("queue_directory", "/var/spool/postfix", "the queue's top directory");
        size("queue_minfree", "0", "free bytes the queue file system keeps; below it smtpd answers 452 4.3.1");
        str("data_directory", "/var/lib/postfix", "directory for caches and other data files");
        str("config_directory", "/etc/postfix", "the directory main.cf and master.cf are read from");
        str("maillog_file", "", "the log file; empty or - means standard output");
        list("maillog_file_prefixes", "/var, /dev/stdout", "allowed prefixes for maillog_file");

        // Address rewriting and resolution.
        bool("append_at_myorigin", "yes", "append @$myorigin to addresses without a domain");
        bool("append_dot_mydomain", "no", "append .$mydomain to domains without a dot");
        bool("allow_percent_hack", "yes", "rewrite user%domain into user@domain");
        bool("swap_bangpath", "yes", "rewrite site!user into user@site");
        bool("allow_untrusted_routing", "no", "forward sender-routed addresses from untrusted clients");
        bool("resolve_dequoted_address", "yes", "resolve a quoted address after removing its quotes");
        str("recipient_delimiter", "", "characters that separate a user name from an address extension");
        list("parent_domain_matches_subdomains",
                "debug_peer_list,fast_flush_domains,mynetworks,permit_mx_backup_networks,"
                        + "qmqpd_authorized_clients,relay_domains,smtpd_access_maps",
                "features where a domain also matches its subdomains");
        bool("strict_rfc821_envelopes", "no", "require <> around MAIL FROM and RCPT TO addresses");
        list("canonical_maps", "", "address mapping for headers and envelopes");
        list("sender_canonical_maps", "", "sender address mapping");
        list("recipient_canonical_maps", "", "recipient address mapping");
        list("masquerade_domains", "", "domains whose subdomains are stripped from addresses");
        bool("always_add_missing_headers", "no", "add From:, To:, Date: and Message-ID: when missing");
        list("local_header_rewrite_clients", "permit_inet_interfaces", "clients whose headers are rewritten to local form");
        bool("smtputf8_enable", "yes", "support the SMTPUTF8 extension (RFC 6531)");

        // Local and virtual delivery.
        list("local_recipient_maps", "proxy:unix:passwd.byname $alias_maps", "tables of local recipients");
        list("alias_maps", "hash:/etc/aliases", "alias tables for local delivery");
        list("alias_database", "hash:/etc/aliases", "alias tables that newaliases builds");
        str("home_mailbox", "", "mailbox path relative to the home directory; ending in / means Maildir");
        str("mail_spool_directory", "/var/mail", "directory of UNIX-style mailboxes");
        str("mailbox_command", "", "external command for local delivery");
        size("mailbox_size_limit", "51200000", "the largest mailbox or Maildir message file, in bytes");
        list("virtual_mailbox_domains", "$virtual_mailbox_maps", "domains delivered by virtual(8) to mailboxes");
        list("virtual_mailbox_maps", "", "tables of virtual mailbox paths");
        str("virtual_mailbox_base", "", "directory virtual mailbox paths are relative to");
        list("virtual_alias_maps", "", "alias tables for all recipients");
        list("virtual_alias_domains", "$virtual_alias_maps", "domains whose addresses are all aliased");
        list("virtual_uid_maps", "", "tables of user IDs for virtual mailboxes");
        list("virtual_gid_maps", "", "tables of group IDs for virtual mailboxes");
        integer("virtual_minimum_uid", "100", "the smallest user ID virtual(8) delivers as");
        size("virtual_mailbox_limit", "51200000", "the largest virtual mailbox or message file, in bytes");
        str("virtual_transport", "virtual", "transport for virtual_mailbox_domains");
        str("local_transport", "local:$myhostname", "transport for mydestination");
        str("relay_transport", "relay", "transport for relay_domains");
        str("default_transport", "smtp", "transport for all other domains");
        list("transport_maps", "", "tables of recipient to transport:nexthop");
        str("relayhost", "", "the next hop for non-local mail; empty means direct delivery");
        list("relay_recipient_maps", "", "tables of valid recipients in relay_domains");

        // SMTP server: limits.
        bool("smtpd_helo_required", "no", "require HELO or EHLO before MAIL FROM");
        size("message_size_limit", "10240000", "the largest message, in bytes");
        integer("smtpd_recipient_limit", "1000", "the most recipients per message");
        time("smtpd_timeout", "300s", 's', "time to wait for a client command or data");
        bool("smtpd_per_request_deadline", "no", "smtpd_timeout limits a whole command or message, not each read");
        integer("smtpd_min_data_rate", "500", "bytes per second that extend the deadline while content is read");
        integer("smtpd_hard_error_limit", "20", "errors before the server disconnects");
        integer("smtpd_soft_error_limit", "10", "errors before the server delays each reply");
        time("smtpd_error_sleep_time", "1s", 's', "delay before replying once soft errors are reached");
        integer("line_length_limit", "2048", "the longest line kept whole; longer lines are split");
        size("header_size_limit", "102400", "the most bytes of one message header");
        integer("hopcount_limit", "50", "the most Received headers a message may carry; more is a mail loop (554 5.4.0)");
        str("smtpd_forbid_bare_newline", "normalize", "bare LF in SMTP (RFC 5321 §2.3.8): normalize, yes, reject or no");
        list("smtpd_forbid_bare_newline_exclusions", "$mynetworks", "clients exempt from smtpd_forbid_bare_newline");
        bool("smtpd_peername_lookup", "yes", "look up the client's host name");
        bool("disable_vrfy_command", "no", "turn off the VRFY command");
        list("smtpd_discard_ehlo_keywords", "", "EHLO keywords not announced");
        str("smtpd_command_filter", "", "table that rewrites SMTP commands before parsing");
        list("smtpd_authorized_verp_clients", "$authorized_verp_clients", "clients allowed to use XVERP");
        list("authorized_verp_clients", "", "clients allowed to use XVERP (older name)");
        integer("smtpd_client_connection_count_limit", "50", "concurrent connections per client");
        integer("smtpd_client_connection_rate_limit", "0", "connections per client per anvil_rate_time_unit");
        integer("smtpd_client_message_rate_limit", "0", "messages per client per anvil_rate_time_unit");
        integer("smtpd_client_recipient_rate_limit", "0", "recipients per client per anvil_rate_time_unit");
        integer("smtpd_client_auth_rate_limit", "0", "AUTH commands per client per anvil_rate_time_unit");
        time("anvil_rate_time_unit", "60s", 's', "the time unit of the client rate limits");
        time("smtpd_policy_service_timeout", "100s", 's', "time limit for a policy server to answer");
        time("command_time_limit", "1000s", 's', "time limit for delivery to an external command");
        time("policy_time_limit", "$command_time_limit", 's', "time limit of a spawned policy server named policy");
        list("export_environment", "TZ MAIL_CONFIG LANG", "environment variables passed to external commands (spawn)");
        time("smtpd_policy_service_max_idle", "300s", 's', "an idle policy server connection is closed after this");
        time("smtpd_policy_service_max_ttl", "1000s", 's', "a policy server connection is not reused after this age");
        integer("smtpd_policy_service_try_limit", "2", "attempts to ask a policy server before default_action");
        time("smtpd_policy_service_retry_delay", "1s", 's', "pause between attempts to ask a policy server");
        integer("smtpd_policy_service_request_limit", "0", "requests per policy server connection; 0 for no limit");
        str("smtpd_policy_service_default_action", "451 4.3.5 Server configuration problem",
                "the action when a policy server cannot be asked");
        str("smtpd_policy_service_policy_context", "", "sent to policy servers as policy_context");
        list("smtpd_client_event_limit_exceptions", "${smtpd_client_connection_limit_exceptions:$mynetworks}",
                "clients exempt from the smtpd_client_*_limit rate and count limits");
        integer("smtpd_client_new_tls_session_rate_limit", "0", "new TLS sessions per client per anvil_rate_time_unit");
        extension("anvil_database", STRING, "memory:", "anvil counters: memory: or redis://host:port/db for several nodes");
        extension("greylist_database", STRING, "$data_directory/greylist.db",
                "builtin:greylist state: a file, memory:, or redis://host:port/db for several nodes");
        extension("greylist_delay", TIME, "300s", "builtin:greylist refuses a new triplet this long (postgrey --delay)");
        extension("greylist_max_age", TIME, "35d", "builtin:greylist forgets entries unseen this long (postgrey --max-age)");
        extension("greylist_retry_window", TIME, "2d", "a first retry later than this starts over (postgrey --retry-window)");
        extension("greylist_auto_whitelist_clients", INTEGER, "5",
                "passes after which builtin:greylist whitelists a client; 0 for never");
        extension("greylist_ipv4_cidr", INTEGER, "24", "the client network of a greylist triplet, IPv4");
        extension("greylist_ipv6_cidr", INTEGER, "64", "the client network of a greylist triplet, IPv6");
        extension("greylist_action", STRING, "DEFER_IF_PERMIT", "the access(5) action of a greylist refusal");
        extension("greylist_text", STRING, "Greylisted, see http://postgrey.schweikert.ch/help/%r.html",
                "the text of a greylist refusal (%r recipient domain, %s seconds left)");
        extension("greylist_header", STRING, "X-Greylist: delayed %t seconds by postgrey-%v at %h; %d",
                "the header added after a greylist delay");
        extension("greylist_whitelist_clients", LIST, "", "postgrey-format client whitelist files");
        extension("greylist_whitelist_recipients", LIST, "", "postgrey-format recipient whitelist files");

        // SMTP server: access restrictions.
        list("smtpd_client_restrictions", "", "restrictions when a client connects");
        list("smtpd_helo_restrictions", "", "restrictions on HELO/EHLO");
        list("smtpd_sender_restrictions", "", "restrictions on MAIL FROM");
        list("smtpd_relay_restrictions", "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination",
                "mail relay restrictions on RCPT TO, before smtpd_recipient_restrictions");
        list("smtpd_recipient_restrictions", "", "restrictions on RCPT TO");
        list("smtpd_data_restrictions", "", "restrictions on DATA");
        list("smtpd_end_of_data_restrictions", "", "restrictions after the end of message data");
        list("smtpd_etrn_restrictions", "", "restrictions on ETRN");
        list("smtpd_restriction_classes", "", "names of user-defined restriction lists");
        bool("smtpd_delay_reject", "yes", "wait for RCPT TO before rejecting client, HELO or sender");
        bool("smtpd_reject_unlisted_recipient", "yes", "reject recipients unknown to the recipient tables");
        bool("smtpd_reject_unlisted_sender", "no", "reject senders unknown to the recipient tables");
        list("smtpd_sender_login_maps", "", "tables of sender address to SASL login names");
        integer("unknown_local_recipient_reject_code", "550", "reply code for an unknown local recipient");
        integer("reject_code", "554", "reply code for the reject restriction");
        integer("defer_code", "450", "reply code for the defer restriction");
        integer("relay_domains_reject_code", "554", "reply code for a relay attempt that is not allowed");
        integer("unknown_virtual_mailbox_reject_code", "550", "reply code for an unknown virtual mailbox");
        integer("unknown_virtual_alias_reject_code", "550", "reply code for an unknown virtual alias");
        integer("unknown_relay_recipient_reject_code", "550", "reply code for an unknown relay recipient");
        integer("access_map_reject_code", "554", "reply code for REJECT in an access table");
        integer("access_map_defer_code", "450", "reply code for DEFER in an access table");
        integer("unknown_client_reject_code", "450", "reply code for reject_unknown_client_hostname");
        integer("unknown_hostname_reject_code", "450", "reply code for reject_unknown_helo_hostname");
        integer("unknown_address_reject_code", "450", "reply code for an unresolvable sender or recipient domain");
        integer("invalid_hostname_reject_code", "501", "reply code for reject_invalid_helo_hostname");
        integer("non_fqdn_reject_code", "504", "reply code for the reject_non_fqdn_* restrictions");
        integer("maps_rbl_reject_code", "554", "reply code for reject_rbl_client and kin");
        list("rbl_reply_maps", "", "tables of reply templates for DNS lists, indexed by list domain");
        str("default_rbl_reply", "$rbl_code Service unavailable; $rbl_class [$rbl_what] blocked using"
                + " $rbl_domain${rbl_reason?; $rbl_reason}", "reply template for a DNS list hit");
        str("reject_tempfail_action", "defer_if_permit", "what a temporary DNS failure in a reject_* check becomes");
        str("unknown_helo_hostname_tempfail_action", "$reject_tempfail_action",
                "what a temporary DNS failure in reject_unknown_helo_hostname becomes");
        str("unknown_address_tempfail_action", "$reject_tempfail_action",
                "what a temporary DNS failure in reject_unknown_sender/recipient_domain becomes");
        integer("plaintext_reject_code", "450", "reply code for an unencrypted AUTH when TLS is required");

        // SASL.
        bool("smtpd_sasl_auth_enable", "no", "offer SMTP AUTH (RFC 4954)");
        str("smtpd_sasl_type", "builtin", "the SASL backend: builtin (a passwd-file), dovecot or cyrus (saslauthd)");
        str("smtpd_sasl_path", "smtpd", "builtin: the passwd-file; dovecot: the auth socket; cyrus: saslauthd's socket");
        list("smtpd_sasl_security_options", "noanonymous", "SASL mechanism properties required");
        list("smtpd_sasl_tls_security_options", "$smtpd_sasl_security_options", "SASL properties required over TLS");
        str("smtpd_sasl_local_domain", "", "the SASL realm");
        bool("smtpd_sasl_authenticated_header", "no", "name the SASL login in the Received: header");
        bool("broken_sasl_auth_clients", "no", "also announce AUTH=mechanisms for old Outlook clients");

        // TLS.
        str("smtpd_tls_security_level", "", "SMTP server TLS: none, may or encrypt");
        bool("smtpd_use_tls", "no", "offer STARTTLS (older form of smtpd_tls_security_level = may)");
        bool("smtpd_enforce_tls", "no", "require STARTTLS (older form of smtpd_tls_security_level = encrypt)");
        bool("smtpd_tls_auth_only", "no", "offer AUTH only over TLS");
        str("smtpd_tls_cert_file", "", "the server certificate (PEM)");
        str("smtpd_tls_key_file", "$smtpd_tls_cert_file", "the server private key (PEM)");
        list("smtpd_tls_chain_files", "", "PEM files with keys and certificate chains");
        str("smtpd_tls_CAfile", "", "CA certificates for client certificates");
        integer("smtpd_tls_loglevel", "0", "how much the SMTP server logs about TLS");
        bool("smtpd_tls_received_header", "no", "record TLS details in the Received: header");
        time("smtpd_tls_session_cache_timeout", "3600s", 's', "how long the server keeps TLS resumption data");
        str("smtpd_tls_session_cache_database", "", "where the server keeps TLS resumption data");
        list("smtpd_tls_protocols", ">=TLSv1", "TLS protocols for opportunistic TLS");
        list("smtpd_tls_mandatory_protocols", ">=TLSv1", "TLS protocols when TLS is required");
        str("smtpd_tls_ciphers", "medium", "cipher grade for opportunistic TLS");
        str("smtpd_tls_mandatory_ciphers", "medium", "cipher grade when TLS is required");
        bool("smtpd_tls_wrappermode", "no", "TLS from the first byte (port 465, RFC 8314)");
        str("smtpd_tls_eccert_file", "", "the server's ECDSA certificate (PEM), beside the RSA one");
        str("smtpd_tls_eckey_file", "$smtpd_tls_eccert_file", "the server's ECDSA private key (PEM)");
        bool("smtpd_tls_ask_ccert", "no", "ask TLS clients for a certificate (for permit_tls_clientcerts)");
        bool("smtpd_tls_req_ccert", "no", "with TLS required, refuse clients without a verified certificate");
        str("smtpd_tls_CApath", "", "directory of CA certificates for client certificates");
        str("smtpd_tls_fingerprint_digest", "sha256", "digest of client certificate fingerprints (md5 before Postfix 3.6)");
        integer("smtpd_tls_ccert_verifydepth", "9", "the most CA certificates above a client certificate");
        list("relay_clientcerts", "", "tables of client certificate fingerprints allowed to relay");
        bool("tls_append_default_CA", "no", "also trust the system's CAs for client certificates");
        str("smtp_tls_security_level", "", "SMTP client TLS: none, may, encrypt, dane, verify, secure");
        bool("smtp_use_tls", "no", "use STARTTLS when offered (older form of smtp_tls_security_level = may)");
        integer("smtp_tls_loglevel", "0", "how much the SMTP client logs about TLS");
        str("smtp_tls_CAfile", "", "CA certificates for server certificates");
        str("smtp_tls_CApath", "", "directory of CA certificates for server certificates, trusted besides smtp_tls_CAfile's");
        bool("smtp_tls_wrappermode", "no", "TLS from the first byte (SUBMISSIONS, port 465) instead of STARTTLS; needs level encrypt or stronger");
        str("smtp_tls_servername", "", "the SNI name sent: a host name, hostname (the server's), nexthop, or empty for none (DANE always sends one)");
        list("smtp_tls_verify_cert_match", "hostname", "names the server certificate must carry at level verify: hostname, nexthop, dot-nexthop, names, .suffixes");
        list("smtp_tls_secure_cert_match", "nexthop, dot-nexthop", "names the server certificate must carry at level secure");
        list("smtp_tls_chain_files", "", "PEM files of a private key and its certificate chain each, shown to servers that ask (wins over smtp_tls_cert_file)");
        str("smtp_tls_dane_insecure_mx_policy", "dane", "at level dane, the TLS for a server with validated addresses behind an MX that is not: dane (its TLSA records, logged as Trusted), encrypt or may");
        bool("smtp_enforce_tls", "no", "Postfix 2.2: with an empty smtp_tls_security_level, mandatory TLS (verify, or encrypt without smtp_tls_enforce_peername)");
        bool("smtp_tls_enforce_peername", "yes", "Postfix 2.2: with smtp_enforce_tls, check the server's name and CA (verify)");
        list("smtp_tls_trust_anchor_file", "", "PEM trust anchors (certificates, keys) that replace smtp_tls_CAfile at verify and secure");
        str("smtp_tls_cert_file", "", "the client certificate (PEM)");
        str("smtp_tls_key_file", "$smtp_tls_cert_file", "the client private key (PEM)");
        str("smtp_tls_session_cache_database", "", "where the client keeps TLS resumption data");
        str("smtp_dns_support_level", "", "SMTP client DNS: disabled (no MX lookups), enabled, or dnssec (validated answers, which dane needs)");
        str("smtp_tls_fingerprint_digest", "sha256", "the digest algorithm of smtp_tls_fingerprint_cert_match");
        list("smtp_tls_fingerprint_cert_match", "", "server certificate or public key fingerprints accepted at level fingerprint");
        bool("smtp_tlsrpt_enable", "no", "record the SMTP client's TLS sessions in $data_directory/tlsrpt.history and send"
                + " RFC 8460 reports to the domains' _smtp._tls rua= destinations");
        str("tls_random_source", "dev:/dev/urandom", "source of randomness for TLS");

        // Queue manager and processes.
        integer("default_process_limit", "100", "the most processes of one service");
        time("queue_run_delay", "300s", 's', "how often the deferred queue is scanned");
        time("minimal_backoff_time", "300s", 's', "the shortest time before a deferred message is retried");
        time("maximal_backoff_time", "4000s", 's', "the longest time before a deferred message is retried");
        time("maximal_queue_lifetime", "5d", 'd', "how long a message may stay deferred before it bounces");
        time("bounce_queue_lifetime", "5d", 'd', "how long a bounce may stay deferred");
        time("delay_warning_time", "0h", 'h', "when to warn the sender of delayed mail; 0 means never");
        integer("initial_destination_concurrency", "5", "parallel deliveries to a new destination");
        integer("default_destination_concurrency_limit", "20", "the most parallel deliveries per destination");
        integer("default_destination_recipient_limit", "50", "the most recipients per delivery");
        integer("qmgr_message_active_limit", "20000", "the most messages in the active queue");
        str("bounce_notice_recipient", "postmaster", "who receives postmaster copies of bounces");
        list("notify_classes", "resource, software", "problems reported to the postmaster");
        time("daemon_timeout", "18000s", 's', "time limit for one request to a daemon");
        time("ipc_timeout", "3600s", 's', "time limit for one internal exchange");
        time("max_idle", "100s", 's', "how long an idle daemon waits for work");
        integer("max_use", "100", "requests a daemon serves before it exits");
        list("debug_peer_list", "", "clients and servers logged in more detail");
        integer("debug_peer_level", "2", "the extra detail for debug_peer_list");

        // SMTP client (smtp and relay transports), destination feedback and bounces.
        extension("smtp_tcp_port", STRING, "smtp", "the port the SMTP client connects to when the nexthop names none");
        str("smtp_helo_name", "$myhostname", "the host name the SMTP client sends in EHLO or HELO");
        str("smtp_bind_address", "", "the local IPv4 address for outgoing SMTP connections");
        str("smtp_bind_address6", "", "the local IPv6 address for outgoing SMTP connections");
        integer("smtp_mx_address_limit", "5", "the most MX addresses to try per delivery");
        integer("smtp_mx_session_limit", "2", "the most SMTP sessions per delivery");
        bool("smtp_never_send_ehlo", "no", "always send HELO instead of EHLO");
        bool("smtp_skip_5xx_greeting", "yes", "try the next server when one greets with 5xx");
        bool("smtp_connection_cache_on_demand", "yes", "keep idle connections for the next message");
        time("smtp_connection_cache_time_limit", "2s", 's', "how long an idle connection is kept");
        time("smtp_connection_reuse_time_limit", "300s", 's', "how long one connection is reused");
        time("smtp_connect_timeout", "30s", 's', "time limit to connect to a server");
        time("smtp_helo_timeout", "300s", 's', "time limit for the greeting and the EHLO reply");
        time("smtp_starttls_timeout", "300s", 's', "time limit for the TLS handshake");
        time("smtp_mail_timeout", "300s", 's', "time limit for the MAIL FROM reply");
        time("smtp_rcpt_timeout", "300s", 's', "time limit for a RCPT TO reply");
        time("smtp_data_init_timeout", "120s", 's', "time limit for the DATA reply");
        time("smtp_data_xfer_timeout", "180s", 's', "time limit for sending the message content");
        time("smtp_data_done_timeout", "600s", 's', "time limit for the reply to the end of data");
        time("smtp_rset_timeout", "20s", 's', "time limit for the RSET reply");
        time("smtp_quit_timeout", "300s", 's', "time limit for the QUIT reply");
        integer("smtp_destination_concurrency_limit", "$default_destination_concurrency_limit",
                "the most parallel deliveries per destination for the smtp transport");
        integer("smtp_destination_recipient_limit", "$default_destination_recipient_limit",
                "the most recipients per smtp delivery");
        integer("relay_destination_concurrency_limit", "$default_destination_concurrency_limit",
                "the most parallel deliveries per destination for the relay transport");
        integer("relay_destination_recipient_limit", "$default_destination_recipient_limit",
                "the most recipients per relay delivery");
        str("default_destination_concurrency_positive_feedback", "1",
                "concurrency increase per delivery without failure (1 or 1/concurrency)");
        str("default_destination_concurrency_negative_feedback", "1",
                "concurrency decrease per failed delivery (1 or 1/concurrency)");
        integer("default_destination_concurrency_failed_cohort_limit", "1",
                "failed pseudo-cohorts after which a destination counts as dead");
        str("2bounce_notice_recipient", "postmaster", "who receives undeliverable bounces");
        str("delay_notice_recipient", "postmaster", "who receives postmaster copies of delay notices");
        str("double_bounce_sender", "double-bounce", "the sender of double-bounce notices; mail to it is discarded");
        integer("bounce_size_limit", "50000", "the most original content returned in a bounce");

        // Content inspection.
        list("header_checks", "", "tables of patterns applied to headers");
        list("body_checks", "", "tables of patterns applied to body lines");
        list("smtpd_milters", "", "Milter applications for SMTP mail");
        list("non_smtpd_milters", "", "Milter applications for locally posted mail");
        str("milter_default_action", "tempfail", "what to do when a Milter is unavailable");
        str("content_filter", "", "transport:nexthop that mail received by smtpd or pickup goes through after it is queued");
        str("default_filter_nexthop", "", "the nexthop of a content filter that names none; empty: the recipient's domain");
        list("receive_override_options", "", "no_unknown_recipient_checks, no_address_mappings, no_header_body_checks,"
                + " no_milters (after a content filter)");

        // Read where they act, with these defaults; registered so that postconf shows them and a bad value fails at load.
        list("allow_mail_to_commands", "alias, forward", "where local delivery may run | commands: alias, forward, include");
        list("allow_mail_to_files", "alias, forward", "where local delivery may append to /file/name: alias, forward, include");
        str("default_privs", "nobody", "the user local delivery runs alias commands and files as");
        list("propagate_unmatched_extensions", "canonical, virtual", "mappings that carry an address extension over to the result");
        integer("virtual_alias_expansion_limit", "1000", "the most addresses one virtual alias expansion may give");
        integer("virtual_alias_recursion_limit", "1000", "the deepest nesting of virtual alias expansion");
        bool("soft_bounce", "no", "turn the SMTP server's refusals into temporary (4xx) ones");
        bool("show_user_unknown_table_name", "yes", "name the table in \"User unknown in ... table\" replies");
        integer("multi_recipient_bounce_reject_code", "550", "reply code for reject_multi_recipient_bounce");
        str("smtpd_null_access_lookup_key", "<>", "the key the null sender <> is looked up as in access tables");
        bool("smtpd_relay_before_recipient_restrictions", "yes", "evaluate smtpd_relay_restrictions before smtpd_recipient_restrictions");
        bool("smtpd_forbid_unauth_pipelining", "yes", "disconnect clients that send commands before their turn (Postfix 3.9's default)");
        integer("smtpd_forbid_bare_newline_reject_code", "550", "reply code when smtpd_forbid_bare_newline refuses a message");
        integer("smtpd_junk_command_limit", "100", "NOOP, VRFY, ETRN and RSET commands before a client is disconnected");
        integer("smtpd_recipient_overshoot_limit", "1000", "recipients over smtpd_recipient_limit before the error count rises");

        // Bulwark's own parameters.
        extension("dns_servers", LIST, "", "resolvers to query as ip:port; empty means the system's");
        extension("dns_timeout", TIME, "3s", "time to wait for one DNS server's answer to one query");
        extension("dns_attempts", INTEGER, "2", "how many times each DNS server is asked before a query fails");

        // Email authentication: DKIM signing and verification, DMARC, Authentication-Results.
        extension("dkim_private_key", STRING, "", "PEM key that signs mail of $dkim_domain; empty: no default key");
        extension("dkim_domain", STRING, "$mydomain", "the d= domain of dkim_private_key");
        extension("dkim_selector", STRING, "default", "the s= selector of dkim_private_key");
        extension("dkim_signing_table", STRING, "", "table: From address or domain -> key names (OpenDKIM SigningTable)");
        extension("dkim_key_table", STRING, "", "table: key name -> domain:selector:/path/to/key.pem (OpenDKIM KeyTable)");
        extension("dkim_canonicalization", STRING, "relaxed/relaxed", "header/body canonicalization of signatures");
        extension("dkim_signed_headers", LIST, "from, reply-to, subject, date, to, cc, message-id, in-reply-to, "
                + "references, mime-version, content-type, content-transfer-encoding", "header fields DKIM signs");
        extension("authentication_results", BOOLEAN, "no", "check SPF, DKIM and DMARC of mail from outside and add Authentication-Results");
        extension("authserv_id", STRING, "$myhostname", "the authserv-id of Authentication-Results headers");
        extension("dmarc_enforcement", STRING, "reject", "DMARC fail under p=reject: reject, quarantine (hold) or report");
        extension("public_suffix_list", STRING, "/usr/share/publicsuffix/public_suffix_list.dat", "the Public Suffix List for DMARC");
        extension("dmarc_report_enable", BOOLEAN, "no",
                "record DMARC-checked mail in $data_directory/dmarc.history and send aggregate reports to rua=");
        extension("dmarc_report_org_name", STRING, "$mydomain", "the org_name and Submitter of DMARC aggregate reports");
        extension("dmarc_report_email", STRING, "postmaster@$mydomain",
                "the From and contact address of DMARC aggregate reports");
        extension("dmarc_report_interval", TIME, "24h", "how often DMARC aggregate reports are sent");
        extension("smtp_tlsrpt_interval", TIME, "24h", "how often SMTP TLS reports (RFC 8460) are sent");
        extension("smtp_tlsrpt_org_name", STRING, "$mydomain", "the organization-name of SMTP TLS reports");
        extension("smtp_tlsrpt_email", STRING, "postmaster@$mydomain",
                "the sender and contact-info of SMTP TLS reports (its domain: TLS-Report-Submitter); mail from it is not reported");
        extension("metrics_listen", STRING, "", "host:port of the Prometheus /metrics endpoint, loopback only; empty: off");
        choices("dmarc_enforcement", "reject", "quarantine", "report");

        // Parameters with a closed set of values: a typo is caught at load, not at the first mail.
        choices("mynetworks_style", "host", "subnet", "class");
        choices("inet_protocols", "all", "ipv4", "ipv6");
        choices("smtpd_tls_security_level", "", "none", "may", "encrypt");
        choices("smtp_tls_security_level", "", "none", "may", "encrypt", "dane", "dane-only", "fingerprint",
                "verify", "secure");
        choices("smtp_dns_support_level", "", "disabled", "enabled", "dnssec");
        choices("smtp_tls_fingerprint_digest", "md5", "sha1", "sha224", "sha256", "sha384", "sha512");
        choices("smtpd_sasl_type", "builtin", "dovecot", "cyrus");
        choices("smtpd_forbid_bare_newline", "normalize", "yes", "reject", "no");
        choices("milter_default_action", "accept", "reject", "tempfail", "quarantine");
        choices("receive_override_options", "no_unknown_recipient_checks", "no_address_mappings",
                "no_header_body_checks", "no_milters");

        // Delivery to LMTP servers (lmtp(8), e.g. Dovecot), and local(8)'s hand-off to another transport.
        str("mailbox_transport", "", "transport:nexthop that local(8) hands mailbox delivery to, e.g. lmtp:unix:private/dovecot-lmtp");
        str("lmtp_tcp_port", "24", "the port the LMTP client connects to when the nexthop names none");
        str("lmtp_lhlo_name", "$myhostname", "the host name the LMTP client sends in LHLO");
        str("lmtp_bind_address", "", "the local IPv4 address for outgoing LMTP connections");
        str("lmtp_bind_address6", "", "the local IPv6 address for outgoing LMTP connections");
        integer("lmtp_mx_address_limit", "5", "the most server addresses to try per LMTP delivery");
        integer("lmtp_mx_session_limit", "2", "the most LMTP sessions per delivery");
        bool("lmtp_skip_5xx_greeting", "yes", "try the next server when one greets with 5xx");
        str("lmtp_tls_security_level", "", "LMTP client TLS over TCP: none, may, encrypt, verify, secure, ...");
        bool("lmtp_use_tls", "no", "use STARTTLS when offered (older form of lmtp_tls_security_level = may)");
        str("lmtp_tls_CAfile", "", "CA certificates for LMTP server certificates");
        str("lmtp_tls_CApath", "", "directory of CA certificates for LMTP server certificates");
        bool("lmtp_tls_wrappermode", "no", "LMTP over TLS from the first byte instead of STARTTLS; needs level encrypt or stronger");
        str("lmtp_tls_servername", "", "the SNI name the LMTP client sends: a host name, hostname, nexthop, or empty for none");
        list("lmtp_tls_verify_cert_match", "hostname", "names the LMTP server certificate must carry at level verify");
        list("lmtp_tls_secure_cert_match", "nexthop", "names the LMTP server certificate must carry at level secure");
        list("lmtp_tls_chain_files", "", "PEM files of a private key and its certificate chain each, for the LMTP client");
        bool("lmtp_enforce_tls", "no", "Postfix 2.2: with an empty lmtp_tls_security_level, mandatory TLS");
        bool("lmtp_tls_enforce_peername", "yes", "Postfix 2.2: with lmtp_enforce_tls, check the server's name and CA (verify)");
        str("lmtp_dns_support_level", "", "LMTP client DNS: disabled, enabled or dnssec");
        str("lmtp_tls_fingerprint_digest", "sha256", "the digest algorithm of lmtp_tls_fingerprint_cert_match");
        list("lmtp_tls_fingerprint_cert_match", "", "LMTP server certificate fingerprints accepted at level fingerprint");
        bool("lmtp_connection_cache_on_demand", "yes", "keep idle LMTP connections for the next message");
        time("lmtp_connection_cache_time_limit", "2s", 's', "how long an idle LMTP connection is kept");
        time("lmtp_connection_reuse_time_limit", "300s", 's', "how long one LMTP connection is reused");
        time("lmtp_connect_timeout", "0s", 's', "time limit to connect to an LMTP server (0: the system's)");
        time("lmtp_lhlo_timeout", "300s", 's', "time limit for the greeting and the LHLO reply");
        time("lmtp_starttls_timeout", "300s", 's', "time limit for the TLS handshake");
        time("lmtp_mail_timeout", "300s", 's', "time limit for the MAIL FROM reply");
        time("lmtp_rcpt_timeout", "300s", 's', "time limit for a RCPT TO reply");
        time("lmtp_data_init_timeout", "120s", 's', "time limit for the DATA reply");
        time("lmtp_data_xfer_timeout", "180s", 's', "time limit for sending the message content");
        time("lmtp_data_done_timeout", "600s", 's', "time limit for the replies to the end of data");
        time("lmtp_rset_timeout", "20s", 's', "time limit for the RSET reply");
        time("lmtp_quit_timeout", "300s", 's', "time limit for the QUIT reply");
        integer("lmtp_destination_concurrency_limit", "$default_destination_concurrency_limit",
                "the most parallel deliveries per destination for the lmtp transport");
        integer("lmtp_destination_recipient_limit", "$default_destination_recipient_limit",
                "the most recipients per lmtp delivery");
        choices("lmtp_tls_security_level", "", "none", "may", "encrypt", "dane", "dane-only", "fingerprint",
                "verify", "secure");
        choices("lmtp_dns_support_level", "", "disabled", "enabled", "dnssec");
        choices("lmtp_tls_fingerprint_digest", "md5", "sha1", "sha224", "sha256", "sha384", "sha512");
        // The LMTP client's copies of the SMTP client's TLS, SASL, XFORWARD and fallback settings.
        integer("lmtp_tls_loglevel", "0", "how much the LMTP client logs about TLS");
        list("lmtp_tls_trust_anchor_file", "", "PEM trust anchors that replace lmtp_tls_CAfile at verify and secure");
        str("lmtp_tls_cert_file", "", "the LMTP client certificate (PEM)");
        str("lmtp_tls_key_file", "$lmtp_tls_cert_file", "the LMTP client private key (PEM)");
        list("lmtp_tls_policy_maps", "", "tables: LMTP nexthop as written (host:port, [host]:port) -> TLS level and attributes");
        bool("lmtp_sasl_auth_enable", "no", "SASL authentication in the LMTP client");
        list("lmtp_sasl_password_maps", "", "tables: nexthop, host or sender -> username:password for the LMTP client");
        list("lmtp_sasl_security_options", "noplaintext, noanonymous", "SASL mechanisms the LMTP client rules out without TLS");
        list("lmtp_sasl_tls_security_options", "$lmtp_sasl_security_options", "SASL mechanisms the LMTP client rules out over TLS");
        list("lmtp_sasl_tls_verified_security_options", "$lmtp_sasl_tls_security_options",
                "SASL mechanisms the LMTP client rules out over verified TLS");
        list("lmtp_sasl_mechanism_filter", "", "the LMTP server's AUTH mechanisms the client considers; empty: all");
        bool("lmtp_sender_dependent_authentication", "no", "look lmtp_sasl_password_maps up by sender address first");
        bool("lmtp_sasl_auth_soft_bounce", "yes", "defer, rather than bounce, mail after a 5xx reply to the LMTP client's AUTH");
        str("lmtp_sasl_auth_cache_name", "", "the file (proxy:btree:/path) of 535 replies to the LMTP client's AUTH, so a refused login is not retried");
        time("lmtp_sasl_auth_cache_time", "90d", 'd', "how long an lmtp_sasl_auth_cache_name entry is kept");
        str("lmtp_sasl_password_result_delimiter", ":", "the character between username and password in lmtp_sasl_password_maps");
        list("lmtp_fallback_relay", "", "relays tried when an LMTP nexthop over TCP is unreachable");
        bool("lmtp_send_xforward_command", "no", "send the original client with XFORWARD when the LMTP server offers it");
        time("lmtp_xforward_timeout", "300s", 's', "time to wait for the LMTP server's reply to XFORWARD");

        // The milter client (MILTER_README): time limits, protocol version and the macros of each stage.
        time("milter_connect_timeout", "30s", 's', "time limit for connecting to a milter and negotiating with it");
        time("milter_command_timeout", "30s", 's', "time limit for sending an SMTP command to a milter and reading its reply");
        time("milter_content_timeout", "300s", 's', "time limit for sending message content to a milter and reading its reply");
        str("milter_protocol", "6", "the milter protocol version to offer (2, 3, 4 or 6), optionally with no_header_reply");
        list("milter_connect_macros", "j {daemon_name} {daemon_addr} v _", "macros sent to milters after connect");
        list("milter_helo_macros", "{tls_version} {cipher} {cipher_bits} {cert_subject} {cert_issuer}",
                "macros sent to milters after HELO or EHLO");
        list("milter_mail_macros", "i {auth_type} {auth_authen} {auth_author} {mail_addr} {mail_host} {mail_mailer}",
                "macros sent to milters after MAIL FROM");
        list("milter_rcpt_macros", "i {rcpt_addr} {rcpt_host} {rcpt_mailer}", "macros sent to milters after RCPT TO");
        list("milter_data_macros", "i", "macros sent to milters after DATA");
        list("milter_end_of_header_macros", "i", "macros sent to milters after the end of the headers");
        list("milter_end_of_data_macros", "i", "macros sent to milters after the end of the message");
        list("milter_unknown_command_macros", "", "macros sent to milters after an unknown command");
        str("milter_macro_daemon_name", "$myhostname", "the {daemon_name} macro value");
        str("milter_macro_v", "$mail_name $mail_version", "the {v} macro value");
        list("milter_header_checks", "", "header_checks tables for headers that milters add or change");
        list("milter_macro_defaults", "", "name=value defaults for macros that have no value");
        extension("milter_connection_cache_time_limit", TIME, "10s",
                "how long a milter connection waits for the next SMTP session (SMFIC_QUIT_NC); 0: a new one per session");
        list("smtpd_milter_maps", "", "tables of milter lists (or DISABLE) by client address, over smtpd_milters");

        // Content inspection in cleanup: header_checks(5), body_checks(5).
        list("mime_header_checks", "$header_checks", "tables of patterns applied to MIME headers (Content-*, MIME-Version)");
        list("nested_header_checks", "$header_checks", "tables of patterns applied to headers of attached messages");
        size("body_checks_size_limit", "51200", "bytes of each body segment that body_checks inspect; 0: all");
        bool("disable_mime_input_processing", "no", "read the body as one segment, without MIME parts, for checks");
        bool("strict_7bit_headers", "no", "refuse mail with 8-bit bytes in a header (550 5.6.0)");
        bool("strict_8bitmime_body", "no", "refuse mail with 8-bit bytes in a body part that says 7bit (550 5.6.0)");
        bool("strict_8bitmime", "no", "both strict_7bit_headers and strict_8bitmime_body");
        bool("strict_mime_encoding_domain", "no", "refuse message/* and multipart/* parts with a disallowed encoding");
        str("cleanup_service_name", "cleanup", "the master.cf cleanup service (and its -o overrides) that receives the mail");

        // SMTP client: outbound SASL authentication, sender-dependent relayhost, fallback relay.
        bool("smtp_sasl_auth_enable", "no", "SASL authentication in the SMTP client (to a relayhost that asks for a login)");
        list("smtp_sasl_password_maps", "", "tables: nexthop, host or sender -> username:password (a secret file)");
        list("smtp_sasl_security_options", "noplaintext, noanonymous", "SASL mechanisms ruled out without TLS");
        list("smtp_sasl_tls_security_options", "$smtp_sasl_security_options", "SASL mechanisms ruled out over TLS");
        list("smtp_sasl_tls_verified_security_options", "$smtp_sasl_tls_security_options",
                "SASL mechanisms ruled out over TLS with a verified server certificate");
        list("smtp_sasl_mechanism_filter", "", "the server's AUTH mechanisms the client considers; empty: all");
        bool("smtp_sender_dependent_authentication", "no", "look smtp_sasl_password_maps up by sender address first");
        bool("smtp_sasl_auth_soft_bounce", "yes", "defer, rather than bounce, mail after a 5xx reply to AUTH");
        str("smtp_sasl_auth_cache_name", "", "the file (proxy:btree:/path) of 535 replies to AUTH per server and login, so a refused login is not retried");
        time("smtp_sasl_auth_cache_time", "90d", 'd', "how long an smtp_sasl_auth_cache_name entry is kept");
        str("smtp_sasl_password_result_delimiter", ":", "the character between username and password in smtp_sasl_password_maps");
        list("sender_dependent_relayhost_maps", "", "tables: sender or @domain -> relayhost, over $relayhost");
        str("empty_address_relayhost_maps_lookup_key", "<>", "the sender_dependent_relayhost_maps key for the null sender");
        list("sender_dependent_default_transport_maps", "", "tables: sender or @domain -> transport:nexthop, over $default_transport");
        str("empty_address_default_transport_maps_lookup_key", "<>",
                "the sender_dependent_default_transport_maps key for the null sender");
        list("fallback_relay", "", "older name of smtp_fallback_relay");
        list("smtp_fallback_relay", "$fallback_relay", "relays tried when the nexthop's servers are unreachable");

        // Automatic BCC recipients in cleanup: envelope-only copies of new mail.
        str("always_bcc", "", "the address that gets a copy of every message received");
        list("sender_bcc_maps", "", "tables: sender, user or @domain -> the address that gets a copy");
        list("recipient_bcc_maps", "", "tables: recipient, user or @domain -> the address that gets a copy");

        // smtpd behind a load balancer: the PROXY protocol header names the real client.
        str("smtpd_upstream_proxy_protocol", "", "haproxy: every connection begins with a PROXY protocol (v1 or v2)"
                + " header that names the client; empty: clients connect directly");
        time("smtpd_upstream_proxy_timeout", "5s", 's', "time to wait for the PROXY protocol header");
        choices("smtpd_upstream_proxy_protocol", "", "haproxy");

        // postscreen(8): the screen in front of smtpd, and the pass service it hands clients to.
        str("smtpd_service_name", "smtpd", "the pass service postscreen hands clients that passed to");
        bool("respectful_logging", "yes", "log ALLOWLISTED/DENYLISTED rather than WHITELISTED/BLACKLISTED");
        list("smtpd_forbidden_commands", "CONNECT GET POST regexp:{{/^[^A-Z]/ Bogus}}",
                "commands that end an smtpd session at once (postscreen's non-SMTP test uses them)");
        list("postscreen_access_list", "permit_mynetworks", "permanent allow and deny list: permit_mynetworks, type:table");
        list("postscreen_allowlist_interfaces",
                "$postscreen_whitelist_interfaces",
                "server addresses where a client may be passed to smtpd (static:all: every one)");
        list("postscreen_whitelist_interfaces", "static:all", "older name of postscreen_allowlist_interfaces");
        str("postscreen_blacklist_action", "ignore", "older name of postscreen_denylist_action");
        str("postscreen_denylist_action",
                "$postscreen_blacklist_action",
                "what to do with a client postscreen_access_list rejects: ignore, enforce or drop");
        str("postscreen_bare_newline_action", "ignore", "what to do after a bare newline: ignore, enforce or drop");
        bool("postscreen_bare_newline_enable", "no", "run the bare newline test (in postscreen's SMTP engine)");
        time("postscreen_bare_newline_ttl", "30d", 's', "how long a passed bare newline test counts");
        str("postscreen_cache_map", "btree:$data_directory/postscreen_cache",
                "where passes are remembered: btree:/path (a file), memory: or redis://host:port/db (shared by nodes)");
        time("postscreen_cache_retention_time", "7d", 's', "how long an entry is kept after its last pass expired");
        integer("postscreen_client_connection_count_limit", "$smtpd_client_connection_count_limit",
                "connections one client may have open at postscreen");
        integer("postscreen_command_count_limit", "20", "commands postscreen's SMTP engine answers");
        time("postscreen_command_time_limit", "${stress?10}${stress:300}s", 's', "time limit for one engine command");
        bool("postscreen_disable_vrfy_command", "$disable_vrfy_command", "the engine refuses VRFY");
        str("postscreen_dnsbl_action", "ignore", "what to do with a client at or above the threshold");
        integer("postscreen_dnsbl_allowlist_threshold",
                "$postscreen_dnsbl_whitelist_threshold",
                "a score at or below this (negative) allowlists the client for the other tests");
        integer("postscreen_dnsbl_whitelist_threshold", "0", "older name of postscreen_dnsbl_allowlist_threshold");
        time("postscreen_dnsbl_max_ttl", "$postscreen_dnsbl_ttl", 'h',
                "how long a DNS list verdict counts at most");
        time("postscreen_dnsbl_min_ttl", "60s", 's', "how long a DNS list verdict counts at least");
        list("postscreen_dnsbl_reply_map", "", "table: real list domain -> the name clients see");
        list("postscreen_dnsbl_sites", "", "DNS lists: domain[=filter][*weight]; negative weights allow");
        integer("postscreen_dnsbl_threshold", "1", "the score at which a client fails the DNS list test");
        time("postscreen_dnsbl_timeout", "10s", 's', "time to wait for the DNS lists");
        time("postscreen_dnsbl_ttl", "1h", 's', "older form of postscreen_dnsbl_max_ttl");
        list("postscreen_forbidden_commands", "$smtpd_forbidden_commands", "commands that fail the non-SMTP test");
        str("postscreen_greet_action", "ignore", "what to do with a client that talks before its turn");
        str("postscreen_greet_banner", "$smtpd_banner", "the 220- teaser sent before the greet wait; empty: none");
        time("postscreen_greet_ttl", "1d", 's', "how long a passed pregreet test counts");
        time("postscreen_greet_wait", "${stress?2}${stress:6}s", 's', "how long to wait for a client to talk too early");
        bool("postscreen_helo_required", "$smtpd_helo_required", "the engine requires HELO before MAIL");
        str("postscreen_non_smtp_command_action", "drop", "what to do after a non-SMTP command");
        bool("postscreen_non_smtp_command_enable", "no", "run the non-SMTP command test");
        time("postscreen_non_smtp_command_ttl", "30d", 's', "how long a passed non-SMTP command test counts");
        str("postscreen_pipelining_action", "enforce", "what to do after improper pipelining");
        bool("postscreen_pipelining_enable", "no", "run the pipelining test");
        time("postscreen_pipelining_ttl", "30d", 's', "how long a passed pipelining test counts");
        integer("postscreen_post_queue_limit", "$default_process_limit", "clients handed to smtpd at once");
        integer("postscreen_pre_queue_limit", "$default_process_limit", "clients being screened at once");
        str("postscreen_upstream_proxy_protocol", "", "haproxy: connections begin with a PROXY protocol header");
        choices("postscreen_upstream_proxy_protocol", "", "haproxy");
        time("postscreen_upstream_proxy_timeout", "5s", 's', "time to wait for the PROXY protocol header");

        // Per-destination TLS for the SMTP client: the table's level replaces smtp_tls_security_level.
        list("smtp_tls_policy_maps", "", "tables: nexthop domain, .parent or [host]:port -> TLS level and attributes");

        // MTA-STS (RFC 8461) for the SMTP client.
        extension("smtp_mta_sts_enable", BOOLEAN, "yes", "apply recipient domains' MTA-STS policies (RFC 8461)");
        extension("smtp_mta_sts_fetch_timeout", TIME, "10s", "time limit for fetching one MTA-STS policy over HTTPS");
        extension("smtp_mta_sts_policy_size_limit", SIZE, "65536", "the largest MTA-STS policy accepted, in bytes");
        extension("smtp_mta_sts_cache_directory", STRING, "$data_directory/mta-sts",
                "where fetched MTA-STS policies are kept across restarts");
        extension("smtp_mta_sts_refresh_interval", TIME, "300s",
                "how long a domain's MTA-STS TXT record is trusted before it is looked up again");
        extension("smtp_mta_sts_https_port", INTEGER, "443", "the port of mta-sts.<domain> policy hosts");

        // XCLIENT and XFORWARD: a trusted proxy or content filter names the original client.
        list("smtpd_authorized_xclient_hosts", "", "clients that may override the client's facts with XCLIENT");
        list("smtpd_authorized_xforward_hosts", "", "clients that may forward the original client with XFORWARD");
        bool("smtp_send_xforward_command", "no", "send the original client with XFORWARD when the server offers it");
        time("smtp_xforward_timeout", "300s", 's', "time to wait for the reply to XFORWARD");

        // Address verification (verify(8)): reject_unverified_recipient and reject_unverified_sender.
        str("address_verify_map", "btree:$data_directory/verify_cache",
                "the verify cache: a file (btree:/path, hash:/path, lmdb:/path), redis://host:port/db shared by"
                        + " several nodes, or empty for memory only");
        str("address_verify_service_name", "verify", "the name of the master.cf verify service");
        str("address_verify_sender", "$double_bounce_sender", "the sender of probes; empty or <> means the null sender");
        time("address_verify_sender_ttl", "0s", 's', "time between changes of the probe sender's time-dependent part;"
                + " 0 means none");
        time("address_verify_positive_expire_time", "31d", 'd', "time after which a deliverable answer expires");
        time("address_verify_positive_refresh_time", "7d", 'd', "time after which a deliverable answer is probed again");
        bool("address_verify_negative_cache", "yes", "keep undeliverable answers in the cache");
        time("address_verify_negative_expire_time", "3d", 'd', "time after which an undeliverable answer expires");
        time("address_verify_negative_refresh_time", "3h", 'h', "time after which an undeliverable answer is probed again");
        time("address_verify_cache_cleanup_interval", "12h", 's',
                "how often expired answers are dropped and the cache file rewritten without them; 0 means never");
        str("address_verify_poll_count", "${stress?{1}:{3}}",
                "how often smtpd asks for a probe's answer before it replies \"in progress\"");
        time("address_verify_poll_delay", "3s", 's', "time between those questions");
        integer("address_verify_pending_request_limit", "5000", "probes that may be pending at once");
        str("address_verify_relayhost", "$relayhost", "relayhost for probes");
        list("address_verify_transport_maps", "$transport_maps", "transport_maps for probes");
        str("address_verify_local_transport", "$local_transport", "local_transport for probes");
        str("address_verify_virtual_transport", "$virtual_transport", "virtual_transport for probes");
        str("address_verify_relay_transport", "$relay_transport", "relay_transport for probes");
        str("address_verify_default_transport", "$default_transport", "default_transport for probes");
        str("smtp_address_verify_target", "rcpt", "the SMTP stage that decides a probe: rcpt, or data for servers that refuse only there");
        str("lmtp_address_verify_target", "rcpt", "the LMTP stage that decides a probe: rcpt or data");
        choices("smtp_address_verify_target", "rcpt", "data");
        choices("smtp_tls_dane_insecure_mx_policy", "may", "encrypt", "dane");
        choices("lmtp_address_verify_target", "rcpt", "data");
        list("address_verify_sender_dependent_relayhost_maps", "$sender_dependent_relayhost_maps",
                "sender_dependent_relayhost_maps for probes");
        list("address_verify_sender_dependent_default_transport_maps", "$sender_dependent_default_transport_maps",
                "sender_dependent_default_transport_maps for probes");
        integer("unverified_recipient_reject_code", "450", "reply code when reject_unverified_recipient finds"
                + " the address undeliverable");
        integer("unverified_recipient_defer_code", "450", "reply code while the recipient is not verified yet");
        str("unverified_recipient_tempfail_action", "$reject_tempfail_action",
                "what a temporary reject_unverified_recipient answer becomes: defer_if_permit or defer");
        str("unverified_recipient_reject_reason", "", "text in place of the probe's when the recipient is refused");
        integer("unverified_sender_reject_code", "450", "reply code when reject_unverified_sender finds"
                + " the address undeliverable");
        integer("unverified_sender_defer_code", "450", "reply code while the sender is not verified yet");
        str("unverified_sender_tempfail_action", "$reject_tempfail_action",
                "what a temporary reject_unverified_sender answer becomes: defer_if_permit or defer");
        str("unverified_sender_reject_reason", "", "text in place of the probe's when the sender is refused");
    }

    private static void choices(String name, String... allowed) {
        TABLE.put(name, TABLE.get(name).withChoices(allowed));
    }

    private Parameters() {
    }

    /** The registry entry for a parameter name. */
    public static Optional<Parameter> find(String name) {
        return Optional.ofNullable(TABLE.get(name));
    }

    /** Every known parameter, sorted by name. */
    public static Collection<Parameter> all() {
        return Collections.unmodifiableCollection(TABLE.values());
    }

    private static void add(Parameter p) {
        if (TABLE.put(p.name(), p) != null) {
            throw new IllegalStateException("parameter registered twice: " + p.name());
        }
    }

    private static void str(String name, String def, String doc) {
        add(new Parameter(name, STRING, def, 's', doc, false, java.util.List.of()));
    }

    private static void list(String name, String def, String doc) {
        add(new Parameter(name, LIST, def, 's', doc, false, java.util.List.of()));
    }

    private static void integer(String name, String def, String doc) {
        add(new Parameter(name, INTEGER, def, 's', doc, false, java.util.List.of()));
    }

    private static void size(String name, String def, String doc) {
        add(new Parameter(name, SIZE, def, 's', doc, false, java.util.List.of()));
    }

    private static void bool(String name, String def, String doc) {
        add(new Parameter(name, BOOLEAN, def, 's', doc, false, java.util.List.of()));
    }

    private static void time(String name, String def, char unit, String doc) {
        add(new Parameter(name, TIME, def, unit, doc, false, java.util.List.of()));
    }

    private static void computed(String name, ParameterType type, String doc) {
        add(new Parameter(name, type, null, 's', doc, false, java.util.List.of()));
    }

    private static void extension(String name, ParameterType type, String def, String doc) {
        add(new Parameter(name, type, def, 's', doc, true, java.util.List.of()));
    }
}
