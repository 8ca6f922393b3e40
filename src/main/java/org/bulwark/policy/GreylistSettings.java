package org.bulwark.policy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bulwark.config.Config;

/**
 * postgrey's options as Bulwark parameters ({@code greylist_delay} is postgrey's {@code --delay},
 * and so on), with postgrey's defaults.
 *
 * @param delay            how long a new triplet is refused
 * @param maxAge           a triplet or auto-whitelisted client unseen this long is forgotten
 * @param retryWindow      a first retry later than this starts over
 * @param autoWhitelist    passes after which a client is whitelisted; 0 turns it off
 * @param ipv4Prefix       the client network of a triplet (postgrey's --ipv4cidr)
 * @param ipv6Prefix       the same for IPv6
 * @param action           the access(5) action of a refusal
 * @param text             the refusal's text, with postgrey's %r and %s
 * @param header           the header prepended after a delay, with postgrey's %t, %v, %h, %d
 * @param hostname         the %h of the header
 * @param whitelistClients postgrey-format whitelist files of client names and addresses
 * @param whitelistRecipients postgrey-format whitelist files of recipients
 */
public record GreylistSettings(Duration delay, Duration maxAge, Duration retryWindow, int autoWhitelist,
        int ipv4Prefix, int ipv6Prefix, String action, String text, String header, String hostname,
        List<Path> whitelistClients, List<Path> whitelistRecipients) {

    /** The registry's defaults (postgrey's) with the given delay. */
    public static GreylistSettings defaults(Duration delay, String hostname) {
        return from(Config.of(java.util.Map.of("myhostname", hostname))).withDelay(delay);
    }

    public static GreylistSettings from(Config config) {
        return new GreylistSettings(
                config.time("greylist_delay"),
                config.time("greylist_max_age"),
                config.time("greylist_retry_window"),
                config.integer("greylist_auto_whitelist_clients"),
                config.integer("greylist_ipv4_cidr"),
                config.integer("greylist_ipv6_cidr"),
                config.get("greylist_action").trim(),
                config.get("greylist_text").trim(),
                config.get("greylist_header").trim(),
                config.get("myhostname").trim(),
                paths(config, "greylist_whitelist_clients"),
                paths(config, "greylist_whitelist_recipients"));
    }

    public GreylistSettings withDelay(Duration newDelay) {
        return new GreylistSettings(newDelay, maxAge, retryWindow, autoWhitelist, ipv4Prefix, ipv6Prefix, action,
                text, header, hostname, whitelistClients, whitelistRecipients);
    }

    private static List<Path> paths(Config config, String name) {
        List<Path> out = new ArrayList<>();
        for (String item : config.list(name)) {
            out.add(config.configDirectory().resolve(item));
        }
        return out;
    }
}
