package org.bulwark.smtpd;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.log.MailLog;
import org.bulwark.milter.MilterSession;
import org.bulwark.milter.Milters;
import org.bulwark.table.LookupTable;
import org.bulwark.table.LookupTables;

/**
 * Which milters judge a client (Postfix's setup_milters): smtpd_milter_maps looked up by the
 * client's address (a cidr: table matches networks) gives that client's milter list, or
 * {@code DISABLE} for none; without an answer, smtpd_milters. Each distinct list is parsed once
 * and shared. Chosen when the client is known (after the PROXY header) and again after XCLIENT.
 */
final class MilterSelection {

    /** The smtpd_milter_maps value that turns milters off for a client (SMTPD_MILTERS_DISABLE). */
    static final String DISABLE = "DISABLE";

    private final Config config;
    private final Milters defaults;
    private final List<LookupTable> maps;
    private final Map<String, Optional<Milters>> byValue = new ConcurrentHashMap<>();

    private MilterSelection(Config config, Milters defaults, List<LookupTable> maps) {
        this.config = config;
        this.defaults = defaults;
        this.maps = maps;
    }

    /**
     * The selection of this service's configuration; null when no client can have milters (none
     * configured, or receive_override_options = no_milters behind a content filter).
     *
     * @throws ConfigException for a malformed milter list or a table that cannot be opened
     */
    static MilterSelection from(Config config) {
        if (config.list("receive_override_options").contains("no_milters")) {
            // The reinjection service behind a content filter: the mail was filtered once.
            return null;
        }
        try {
            Milters defaults = Milters.fromConfig(config, "smtpd_milters");
            List<LookupTable> maps = config.list("smtpd_milter_maps").stream()
                    .map(spec -> LookupTables.open(spec, config.configDirectory())).toList();
            if (defaults.isEmpty() && maps.isEmpty()) {
                return null;
            }
            return new MilterSelection(config, defaults, maps);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage()).locatedIn(config);
        }
    }

    /**
     * A milter session for this client, not yet connected; null when it has no milters.
     *
     * @param clientIp the client's address as Postfix prints it (the lookup key)
     * @throws IllegalArgumentException when the table's milter list for this client is malformed
     */
    MilterSession open(String clientIp, MailLog.Logger log) {
        Milters milters = defaults;
        for (LookupTable table : maps) {
            Optional<String> value = table.find(clientIp);
            if (value.isPresent()) {
                milters = byValue.computeIfAbsent(value.get().strip(), this::parse).orElse(null);
                break;
            }
        }
        return milters == null || milters.isEmpty() ? null : milters.open(log);
    }

    private Optional<Milters> parse(String value) {
        if (value.toUpperCase(Locale.ROOT).equals(DISABLE)) {
            return Optional.empty();
        }
        return Optional.of(Milters.fromConfig(config.with(Map.of("smtpd_milters", value)), "smtpd_milters"));
    }
}
