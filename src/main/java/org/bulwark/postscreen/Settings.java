package org.bulwark.postscreen;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.smtpd.UpstreamProxy;
import org.bulwark.table.LookupTable;
import org.bulwark.table.LookupTables;
import org.bulwark.table.NetworkList;

/** A postscreen service's parameters, read once per configuration load (its -o overrides included). */
record Settings(
        Duration greetWait,
        String teaser,
        Action greetAction,
        Duration greetTtl,
        AccessList accessList,
        Action denylistAction,
        DnsblSites dnsblSites,
        int dnsblThreshold,
        int dnsblAllowlistThreshold,
        Action dnsblAction,
        Duration dnsblMinTtl,
        Duration dnsblMaxTtl,
        Duration dnsblTimeout,
        boolean pipeliningEnable,
        Action pipeliningAction,
        Duration pipeliningTtl,
        boolean nonSmtpEnable,
        Action nonSmtpAction,
        Duration nonSmtpTtl,
        boolean bareNewlineEnable,
        Action bareNewlineAction,
        Duration bareNewlineTtl,
        List<String> forbiddenWords,
        List<LookupTable> forbiddenTables,
        List<java.util.regex.Pattern> forbiddenPatterns,
        int commandCountLimit,
        Duration commandTimeLimit,
        Duration cacheRetention,
        int clientConnectionLimit,
        int preQueueLimit,
        int postQueueLimit,
        UpstreamProxy upstreamProxy,
        NetworkList allowlistInterfaces,
        boolean heloRequired,
        boolean disableVrfy,
        String banner,
        String myhostname,
        boolean softBounce,
        boolean respectfulLogging,
        int lineLengthLimit,
        long messageSizeLimit,
        String passService) {

    static Settings from(Config config) {
        try {
            return read(config);
        } catch (ConfigException e) {
            throw e.locatedIn(config);
        }
    }

    private static Settings read(Config config) {
        Path dir = config.configDirectory();
        String replyMap = config.get("postscreen_dnsbl_reply_map").strip();
        String banner = config.get("postscreen_greet_banner");
        List<String> words = new ArrayList<>();
        List<LookupTable> tables = new ArrayList<>();
        List<java.util.regex.Pattern> patterns = new ArrayList<>();
        for (String item : config.list("postscreen_forbidden_commands")) {
            String lower = item.toLowerCase(Locale.ROOT);
            if (lower.startsWith("regexp:{") || lower.startsWith("pcre:{")) {
                patterns.addAll(inlinePatterns(item));
            } else if (item.indexOf(':') > 0) {
                tables.add(LookupTables.open(item, dir));
            } else {
                words.add(item.toUpperCase(Locale.ROOT));
            }
        }
        String interfaces = config.get("postscreen_allowlist_interfaces").strip();
        UpstreamProxy proxy = UpstreamProxy.from(config, "postscreen_upstream_proxy_protocol",
                "postscreen_upstream_proxy_timeout");
        return new Settings(
                config.time("postscreen_greet_wait"),
                banner.isBlank() ? null : PostscreenTexts.teaser(banner),
                Action.of(config, "postscreen_greet_action"),
                config.time("postscreen_greet_ttl"),
                AccessList.parse(config.list("postscreen_access_list"), config.list("mynetworks"), dir),
                Action.of(config, "postscreen_denylist_action"),
                DnsblSites.parse(config.list("postscreen_dnsbl_sites"),
                        replyMap.isEmpty() ? null : LookupTables.open(replyMap, dir)),
                config.integer("postscreen_dnsbl_threshold"),
                config.integer("postscreen_dnsbl_allowlist_threshold"),
                Action.of(config, "postscreen_dnsbl_action"),
                config.time("postscreen_dnsbl_min_ttl"),
                config.time("postscreen_dnsbl_max_ttl"),
                config.time("postscreen_dnsbl_timeout"),
                config.bool("postscreen_pipelining_enable"),
                Action.of(config, "postscreen_pipelining_action"),
                config.time("postscreen_pipelining_ttl"),
                config.bool("postscreen_non_smtp_command_enable"),
                Action.of(config, "postscreen_non_smtp_command_action"),
                config.time("postscreen_non_smtp_command_ttl"),
                config.bool("postscreen_bare_newline_enable"),
                Action.of(config, "postscreen_bare_newline_action"),
                config.time("postscreen_bare_newline_ttl"),
                List.copyOf(words),
                List.copyOf(tables),
                List.copyOf(patterns),
                config.integer("postscreen_command_count_limit"),
                config.time("postscreen_command_time_limit"),
                config.time("postscreen_cache_retention_time"),
                config.integer("postscreen_client_connection_count_limit"),
                config.integer("postscreen_pre_queue_limit"),
                config.integer("postscreen_post_queue_limit"),
                proxy,
                interfaces.equalsIgnoreCase("static:all") ? null
                        : NetworkList.parse(config.list("postscreen_allowlist_interfaces"), dir),
                config.bool("postscreen_helo_required"),
                config.bool("postscreen_disable_vrfy_command"),
                config.get("smtpd_banner"),
                config.get("myhostname"),
                config.bool("soft_bounce"),
                config.bool("respectful_logging"),
                config.integer("line_length_limit"),
                config.size("message_size_limit"),
                config.get("smtpd_service_name").strip());
    }

    boolean enabled(TestKind test) {
        return switch (test) {
            case PREGREET -> teaser != null || !greetWait.isZero();
            case DNSBL -> !dnsblSites.isEmpty();
            case PIPELINING -> pipeliningEnable;
            case NON_SMTP -> nonSmtpEnable;
            case BARE_NEWLINE -> bareNewlineEnable;
        };
    }

    Duration ttl(TestKind test) {
        return switch (test) {
            case PREGREET -> greetTtl;
            case DNSBL -> dnsblMaxTtl;
            case PIPELINING -> pipeliningTtl;
            case NON_SMTP -> nonSmtpTtl;
            case BARE_NEWLINE -> bareNewlineTtl;
        };
    }

    Action action(TestKind test) {
        return switch (test) {
            case PREGREET -> greetAction;
            case DNSBL -> dnsblAction;
            case PIPELINING -> pipeliningAction;
            case NON_SMTP -> nonSmtpAction;
            case BARE_NEWLINE -> bareNewlineAction;
        };
    }

    /** The shortest pass of an enabled test: how long a failure that was ignored lets the client by. */
    Duration minTtl() {
        Duration min = null;
        for (TestKind t : TestKind.values()) {
            if (enabled(t) && (min == null || ttl(t).compareTo(min) < 0)) {
                min = ttl(t);
            }
        }
        return min == null ? greetTtl : min;
    }

    /** postscreen_allowlist_interfaces: whether a client that reached this address may be passed to smtpd. */
    boolean mayPassOn(InetAddress server) {
        return allowlistInterfaces == null || server == null || allowlistInterfaces.matches(server);
    }

    /** postscreen_forbidden_commands: a word or table that names a command as not SMTP (GET, POST, CONNECT). */
    boolean forbidden(String command) {
        if (forbiddenWords.contains(command.toUpperCase(Locale.ROOT))) {
            return true;
        }
        for (java.util.regex.Pattern p : forbiddenPatterns) {
            if (p.matcher(command).find()) {
                return true;
            }
        }
        for (LookupTable table : forbiddenTables) {
            if (table.find(command).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /**
     * An inline regexp or pcre table, {@code regexp:{{/^[^A-Z]/ Bogus}}} (Postfix's default), as
     * the patterns whose match names a command forbidden; the results do not matter here.
     */
    private static List<java.util.regex.Pattern> inlinePatterns(String item) {
        String body = item.substring(item.indexOf('{') + 1, item.lastIndexOf('}') < 0 ? item.length() : item.lastIndexOf('}'));
        List<java.util.regex.Pattern> out = new ArrayList<>();
        for (String rule : org.bulwark.config.ListSyntax.split(body)) {
            String r = rule.strip();
            if (r.startsWith("{") && r.endsWith("}")) {
                r = r.substring(1, r.length() - 1).strip();
            }
            if (!r.startsWith("/")) {
                continue; // a result word split off the rule
            }
            int end = r.indexOf('/', 1);
            while (end > 0 && r.charAt(end - 1) == '\\') {
                end = r.indexOf('/', end + 1);
            }
            if (end < 0) {
                throw new ConfigException(PostscreenTexts.badForbiddenPattern(rule));
            }
            out.add(java.util.regex.Pattern.compile(r.substring(1, end), java.util.regex.Pattern.CASE_INSENSITIVE));
        }
        return out;
    }
}
