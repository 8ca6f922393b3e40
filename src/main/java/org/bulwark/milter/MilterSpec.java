package org.bulwark.milter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bulwark.config.Config;

/**
 * One milter of smtpd_milters or non_smtpd_milters: its endpoint and settings, either the main.cf
 * milter_* values or Postfix 3.0's per-milter form
 * {@code { inet:host:port, connect_timeout=10s, default_action=accept, ... }}.
 *
 * @param version the protocol version offered (2, 3, 4 or 6)
 * @param events  the protocol steps (SMFIP_* bits) the milter may decline, as milter_protocol gives them
 */
public record MilterSpec(MilterEndpoint endpoint, Duration connectTimeout, Duration commandTimeout,
        Duration contentTimeout, DefaultAction defaultAction, int version, int events) {

    private static final Map<String, String> OPTIONS = Map.of(
            "connect_timeout", "milter_connect_timeout",
            "command_timeout", "milter_command_timeout",
            "content_timeout", "milter_content_timeout",
            "default_action", "milter_default_action",
            "protocol", "milter_protocol");

    /** The milter's name in log lines: its endpoint as written. */
    public String name() {
        return endpoint.spec();
    }

    /**
     * The milters a parameter lists, in order.
     *
     * @param parameter smtpd_milters or non_smtpd_milters
     * @throws IllegalArgumentException with the reason, for a malformed entry
     */
    public static List<MilterSpec> fromConfig(Config config, String parameter) {
        List<MilterSpec> specs = new ArrayList<>();
        Path queueDirectory = Path.of(config.get("queue_directory"));
        for (String item : config.list(parameter)) {
            specs.add(parse(item, config, queueDirectory));
        }
        return List.copyOf(specs);
    }

    /** One list item: an endpoint, or a {@code { endpoint, name=value, ... }} group. */
    static MilterSpec parse(String item, Config config, Path queueDirectory) {
        String a = item.strip();
        String endpoint = a;
        Config effective = config;
        if (a.startsWith("{")) {
            if (!a.endsWith("}")) {
                throw new IllegalArgumentException(MilterTexts.unbalancedBraces(item));
            }
            List<String> parts = new ArrayList<>();
            for (String p : a.substring(1, a.length() - 1).split(",")) {
                if (!p.isBlank()) {
                    parts.add(p.strip());
                }
            }
            if (parts.isEmpty()) {
                throw new IllegalArgumentException(MilterTexts.badEndpoint(item));
            }
            endpoint = parts.get(0);
            Map<String, String> overrides = new java.util.HashMap<>();
            for (String option : parts.subList(1, parts.size())) {
                int eq = option.indexOf('=');
                String name = eq < 0 ? option : option.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                String parameter = OPTIONS.get(name);
                if (eq < 0 || parameter == null) {
                    throw new IllegalArgumentException(MilterTexts.unknownOption(item, name));
                }
                overrides.put(parameter, option.substring(eq + 1).strip());
            }
            effective = config.with(overrides);
        }
        MilterEndpoint where = MilterEndpoint.parse(endpoint, queueDirectory);
        Duration connect = time(effective, "milter_connect_timeout", item);
        Duration command = time(effective, "milter_command_timeout", item);
        Duration content = time(effective, "milter_content_timeout", item);
        DefaultAction action = DefaultAction.parse(effective.get("milter_default_action"));
        int[] protocol = protocol(effective.get("milter_protocol"));
        return new MilterSpec(where, connect, command, content, action, protocol[0], protocol[1]);
    }

    private static Duration time(Config config, String parameter, String item) {
        try {
            return config.time(parameter);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(MilterTexts.badOptionValue(item, parameter, config.get(parameter)));
        }
    }

    /**
     * milter_protocol: one version (2, 3, 4 or 6) and optionally {@code no_header_reply}.
     *
     * @return the version and the SMFIP_* mask offered
     */
    static int[] protocol(String value) {
        int version = 0;
        int events = 0;
        for (String word : value.toLowerCase(Locale.ROOT).split("[\\s,]+")) {
            switch (word) {
                case "" -> { }
                case "2", "3", "4", "6" -> {
                    if (version != 0) {
                        throw new IllegalArgumentException(MilterTexts.badProtocol(value));
                    }
                    version = Integer.parseInt(word);
                    events |= MilterProtocol.versionMask(version);
                }
                case "no_header_reply" -> events |= MilterProtocol.P_NR_HDR;
                default -> throw new IllegalArgumentException(MilterTexts.badProtocol(value));
            }
        }
        if (version == 0) {
            throw new IllegalArgumentException(MilterTexts.badProtocol(value));
        }
        return new int[] {version, events};
    }
}
