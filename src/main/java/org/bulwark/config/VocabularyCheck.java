package org.bulwark.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Holds a loaded configuration against the {@link Vocabulary}: a line Bulwark does not implement
 * either warns (harmless to ignore) or stops the load with file:line and what to do instead, so
 * that it never changes, silently, what mail is accepted, filtered, or where it goes.
 */
final class VocabularyCheck {

    /** The main.cf parameters that name the transport (the master.cf service) mail is routed to. */
    private static final List<String> TRANSPORT_PARAMETERS =
            List.of("default_transport", "relay_transport", "local_transport", "virtual_transport", "content_filter");
    /** The restriction lists of smtpd(8); the names of smtpd_restriction_classes are lists too. */
    private static final List<String> RESTRICTION_LISTS = List.of("smtpd_client_restrictions",
            "smtpd_helo_restrictions", "smtpd_sender_restrictions", "smtpd_relay_restrictions",
            "smtpd_recipient_restrictions", "smtpd_data_restrictions", "smtpd_end_of_data_restrictions",
            "smtpd_etrn_restrictions");
    /** Transports the queue manager handles itself by name (bounce or defer), whatever master.cf says. */
    private static final Set<String> QMGR_TRANSPORTS = Set.of("error", "retry");

    /** Where a line is: a file and a line number. */
    record Where(Path file, int line) {
    }

    private VocabularyCheck() {
    }

    /**
     * @param mainLines the main.cf line of every parameter main.cf sets
     * @throws ConfigException with file:line for a refused line
     */
    static void check(Config main, Map<String, Integer> mainLines, Path mainFile, List<ServiceEntry> services,
            List<String> warnings) {
        Set<String> serviceNames = new HashSet<>();
        services.forEach(s -> serviceNames.add(s.service()));
        checkHostNames(main, mainLines.keySet(), new Where(mainFile, 0), mainLines);
        for (Map.Entry<String, Integer> e : mainLines.entrySet()) {
            checkParameter(main, e.getKey(), new Where(mainFile, e.getValue()), serviceNames, warnings);
        }
        for (ServiceEntry s : services) {
            Config config = main.with(s);
            Where where = new Where(s.file(), s.line());
            checkHostNames(config, s.overrides().keySet(), where, Map.of());
            for (String name : s.overrides().keySet()) {
                checkParameter(config, name, where, serviceNames, warnings);
            }
        }
        checkRestrictions(main, mainLines.keySet(), mainFile, mainLines, null);
        for (ServiceEntry s : services) {
            checkRestrictions(main.with(s), s.overrides().keySet(), mainFile, mainLines, s);
        }
        Map<String, Route> routes = routes(main, mainLines, mainFile, services);
        for (ServiceEntry s : services) {
            checkCommand(s, routes, warnings);
        }
    }

    /** The state of a parameter name: its own, or its template's for a per-transport name of a service. */
    static Optional<Vocabulary.Entry> parameterEntry(String name, Set<String> serviceNames) {
        Optional<Vocabulary.Entry> own = Vocabulary.parameter(name);
        if (own.isPresent()) {
            return own;
        }
        return Vocabulary.perTransportService(name).filter(serviceNames::contains)
                .flatMap(service -> Vocabulary.perTransport(name));
    }

    private static void checkParameter(Config config, String name, Where where, Set<String> serviceNames,
            List<String> warnings) {
        Optional<Vocabulary.Entry> entry = parameterEntry(name, serviceNames);
        if (entry.isEmpty()) {
            return; // unknown: ConfigLoader warns "unused parameter"
        }
        Vocabulary.State state = valueState(name, config.get(name), entry.get().state());
        switch (state) {
            case Vocabulary.Ignored ignored ->
                    warnings.add(LogicalLines.where(where.file(), where.line()) + ConfigTexts.ignored(name, ignored.why()));
            case Vocabulary.Refused refused -> {
                if (!harmless(config, name, entry.get())) {
                    throw new ConfigException(where.file(), where.line(),
                            ConfigTexts.notImplemented(name, refused.why(), refused.instead()));
                }
            }
            default -> {
            }
        }
    }

    /**
     * A state that depends on the value: smtpd_tls_loglevel is implemented up to 2.
     */
    private static Vocabulary.State valueState(String name, String value, Vocabulary.State state) {
        if (name.equals("smtpd_tls_loglevel") && Values.integer(value).map(level -> level > 2).orElse(false)) {
            return new Vocabulary.Ignored(Vocabulary.reason("loglevel"));
        }
        return state;
    }

    /** A refused parameter set empty, or to Postfix's default, changes nothing. */
    private static boolean harmless(Config config, String name, Vocabulary.Entry entry) {
        if (config.get(name).isBlank()) {
            return true;
        }
        String postfixDefault = Parameters.find(name).map(Parameter::defaultValue).orElse(entry.postfixDefault());
        return postfixDefault != null && words(postfixDefault).equals(words(config.raw(name)));
    }

    private static List<String> words(String value) {
        List<String> out = new ArrayList<>();
        for (String word : value.toLowerCase(Locale.ROOT).split("[\\s,]+")) {
            if (!word.isEmpty()) {
                out.add(word);
            }
        }
        return out;
    }

    /**
     * myhostname names this system in the banner, HELO, Received: and the log, and mail for it is
     * local: empty or without a dot, local mail would be sent out and the log lose the name.
     */
    private static void checkHostNames(Config config, Set<String> set, Where where, Map<String, Integer> mainLines) {
        if (set.contains("myhostname")) {
            String host = config.get("myhostname").strip();
            if (host.indexOf('.') <= 0) {
                throw new ConfigException(where.file(), mainLines.getOrDefault("myhostname", where.line()),
                        ConfigTexts.badMyhostname(host));
            }
        }
        if (set.contains("mydomain") && config.get("mydomain").isBlank()) {
            throw new ConfigException(where.file(), mainLines.getOrDefault("mydomain", where.line()),
                    ConfigTexts.emptyMydomain());
        }
    }

    /**
     * A restriction Bulwark does not have is refused when the configuration loads (smtpd's parser
     * refuses it too, when the service is built). The line named is the one that holds the word:
     * an override's, or the main.cf line its {@code $name} brings it from.
     */
    private static void checkRestrictions(Config config, Set<String> set, Path mainFile, Map<String, Integer> mainLines,
            ServiceEntry service) {
        List<String> lists = new ArrayList<>(RESTRICTION_LISTS);
        lists.addAll(config.list("smtpd_restriction_classes"));
        for (String parameter : lists) {
            if (!set.contains(parameter)) {
                continue;
            }
            for (String word : config.list(parameter)) {
                Optional<Vocabulary.Entry> entry = Vocabulary.restriction(word);
                if (entry.isPresent() && entry.get().state() instanceof Vocabulary.Refused refused) {
                    String message = ConfigTexts.restrictionNotImplemented(word.toLowerCase(Locale.ROOT), parameter,
                            refused.why(), refused.instead());
                    if (service != null && words(config.raw(parameter)).contains(word.toLowerCase(Locale.ROOT))) {
                        throw new ConfigException(service.file(), service.line(), message);
                    }
                    throw new ConfigException(mainFile, lineHolding(word, parameter, config, mainLines), message);
                }
            }
        }
    }

    private static int lineHolding(String word, String parameter, Config config, Map<String, Integer> mainLines) {
        if (mainLines.containsKey(parameter) && words(config.raw(parameter)).contains(word.toLowerCase(Locale.ROOT))) {
            return mainLines.get(parameter);
        }
        for (Map.Entry<String, Integer> e : mainLines.entrySet()) {
            if (words(config.raw(e.getKey())).contains(word.toLowerCase(Locale.ROOT))) {
                return e.getValue();
            }
        }
        return mainLines.getOrDefault(parameter, 0);
    }

    /** A transport that mail is routed to, and the line that routes it there. */
    private record Route(String parameter, Where where) {
    }

    private static Map<String, Route> routes(Config main, Map<String, Integer> mainLines, Path mainFile,
            List<ServiceEntry> services) {
        Map<String, Route> routes = new LinkedHashMap<>();
        for (String parameter : TRANSPORT_PARAMETERS) {
            Where where = new Where(mainFile, mainLines.getOrDefault(parameter, 0));
            routes.putIfAbsent(transport(main.get(parameter)), new Route(parameter, where));
        }
        for (ServiceEntry s : services) {
            if (s.overrides().containsKey("content_filter")) {
                routes.putIfAbsent(transport(main.with(s).get("content_filter")),
                        new Route("content_filter", new Where(s.file(), s.line())));
            }
        }
        Where mapsLine = new Where(mainFile, mainLines.getOrDefault("transport_maps", 0));
        for (String spec : main.list("transport_maps")) {
            for (String value : TransportTableValues.read(spec, main.configDirectory())) {
                routes.putIfAbsent(transport(value), new Route("transport_maps " + spec, mapsLine));
            }
        }
        routes.remove("");
        return routes;
    }

    private static String transport(String value) {
        String v = value.strip();
        int colon = v.indexOf(':');
        return colon < 0 ? v : v.substring(0, colon);
    }

    private static void checkCommand(ServiceEntry s, Map<String, Route> routes, List<String> warnings) {
        Vocabulary.State state = commandState(s);
        String where = LogicalLines.where(s.file(), s.line());
        switch (state) {
            case Vocabulary.Refused refused -> throw new ConfigException(s.file(), s.line(),
                    ConfigTexts.commandNotImplemented(s.service(), s.command(), refused.why(), refused.instead()));
            case Vocabulary.Unrouted unrouted -> {
                Route route = routes.get(s.service());
                if (route != null) {
                    // The routing line is the one to change: name it, and the service it routes to.
                    throw new ConfigException(route.where().file(), route.where().line(),
                            ConfigTexts.routedToMissingAgent(route.parameter(), s, unrouted.instead()));
                }
                if (s.line() > 0) { // Bulwark's own defaults (no master.cf) are not the operator's lines
                    warnings.add(where + ConfigTexts.commandIgnored(s.service(), s.command(), unrouted.why()));
                }
            }
            case Vocabulary.Ignored ignored -> {
                if (s.line() > 0) {
                    warnings.add(where + ConfigTexts.commandIgnored(s.service(), s.command(), ignored.why()));
                }
            }
            default -> {
            }
        }
    }

    /** The command's state, where the service type or name decides it. */
    private static Vocabulary.State commandState(ServiceEntry s) {
        String type = s.type();
        return switch (s.command()) {
            case "smtpd" -> type.equals("inet") || type.equals("pass") ? new Vocabulary.Implemented()
                    : refusal("smtpd_socket");
            case "postscreen" -> type.equals("inet") ? state(s.command()) : refusal("postscreen_daemon");
            case "smtp" -> type.equals("unix") ? new Vocabulary.Implemented() : refusal("smtp_listener");
            case "tlsproxy" -> type.equals("inet") ? refusal("tlsproxy_listener") : state(s.command());
            case "error" -> QMGR_TRANSPORTS.contains(s.service()) ? new Vocabulary.Implemented() : state(s.command());
            default -> state(s.command());
        };
    }

    private static Vocabulary.State state(String command) {
        return Vocabulary.command(command).map(Vocabulary.Entry::state).orElseGet(() -> refusal("unknown_command"));
    }

    private static Vocabulary.Refused refusal(String reason) {
        String[] text = Vocabulary.refusal(reason);
        return new Vocabulary.Refused(text[0], text[1]);
    }
}
