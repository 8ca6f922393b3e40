package org.bulwark.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bulwark.util.Cidr;

/** Reads {@code main.cf} and {@code master.cf} from a configuration directory. */
public final class ConfigLoader {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern ADDRESS_LITERAL = Pattern.compile("\\[[0-9A-Fa-f:.]+](/\\d*)?|[0-9.]+(/\\d*)?");
    private static final Pattern MAPPED_IPV4 =
            Pattern.compile("\\[(?i:0{0,4}:){0,5}:?ffff:([0-9.]+)]/(\\d{2,3})");
    private static final Pattern REFERENCE = Pattern.compile("\\$[{(]?([A-Za-z0-9_]+)");
    /** A plain {@code $name}, {@code ${name}} or {@code $(name)}: not {@code ${name?text}}, which means to allow it unset. */
    private static final Pattern PLAIN_REFERENCE =
            Pattern.compile("(?<!\\$)\\$(?:\\{([A-Za-z0-9_]+)}|\\(([A-Za-z0-9_]+)\\)|([A-Za-z0-9_]+))");
    /** Names Postfix defines for every process, not in main.cf. */
    private static final Set<String> PROCESS_PARAMETERS = Set.of("process_name", "process_id", "service_name");

    private ConfigLoader() {
    }

    /**
     * Reads and validates both files. Unknown parameters become warnings with file:line.
     *
     * @throws ConfigException with file:line for a missing file, bad value or malformed line
     */
    public static LoadedConfig load(Path configDirectory) {
        Path directory = configDirectory.toAbsolutePath().normalize();
        Path mainFile = directory.resolve("main.cf");
        if (!Files.isRegularFile(mainFile)) {
            throw new ConfigException(mainFile, 0, ConfigTexts.missingMainCf(mainFile));
        }
        List<String> warnings = new ArrayList<>();
        Map<String, Entry> entries = parseMainCf(mainFile, warnings);
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> locations = new LinkedHashMap<>();
        entries.forEach((name, entry) -> {
            values.put(name, entry.value());
            locations.put(name, mainFile + ", line " + entry.line());
        });
        MainCf main = new MainCf(values, directory, locations);

        Path masterFile = directory.resolve("master.cf");
        List<ServiceEntry> services = Files.exists(masterFile)
                ? MasterCf.parse(masterFile, warnings)
                : MasterCf.defaults(masterFile);

        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            validate(main, e.getKey(), e.getValue().value(), mainFile, e.getValue().line());
        }
        for (ServiceEntry service : services) {
            Config serviceConfig = main.with(service);
            for (Map.Entry<String, String> o : service.overrides().entrySet()) {
                validate(serviceConfig, o.getKey(), o.getValue(), service.file(), service.line());
            }
        }
        Map<String, Integer> mainLines = new LinkedHashMap<>();
        entries.forEach((name, entry) -> mainLines.put(name, entry.line()));
        VocabularyCheck.check(main, mainLines, mainFile, services, warnings);
        warnUnused(entries, services, mainFile, warnings);
        services.forEach(s -> warnUndefined(entries, s, warnings));
        warnAddressMappings(main, entries, services, mainFile, warnings);
        Entry origin = entries.get("myorigin");
        if (origin != null) {
            warnUnreadableOrigin(main, origin, mainFile, warnings);
        }
        return new LoadedConfig(main, services, warnings);
    }

    /**
     * main.cf as far as it reads, without validation, for saying in the maillog why it did not
     * load: malformed lines and bad values are skipped, defaults fill the rest. Empty when main.cf
     * cannot be read at all.
     */
    public static java.util.Optional<Config> readUnvalidated(Path configDirectory) {
        Path directory = configDirectory.toAbsolutePath().normalize();
        Map<String, String> values = new LinkedHashMap<>();
        try {
            for (LogicalLines.Line line : LogicalLines.read(directory.resolve("main.cf"), true, new ArrayList<>())) {
                int eq = line.text().indexOf('=');
                String name = eq < 0 ? "" : line.text().substring(0, eq).strip();
                if (NAME.matcher(name).matches()) {
                    values.put(name, line.text().substring(eq + 1).strip());
                }
            }
            return java.util.Optional.of(new MainCf(values, directory));
        } catch (RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** One main.cf assignment and the line it starts on. */
    private record Entry(String value, int line) {
    }

    private static Map<String, Entry> parseMainCf(Path file, List<String> warnings) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (LogicalLines.Line line : LogicalLines.read(file, true, warnings)) {
            int eq = line.text().indexOf('=');
            if (eq < 0) {
                throw new ConfigException(file, line.number(), ConfigTexts.missingEquals(line.text()));
            }
            String name = line.text().substring(0, eq).strip();
            if (!NAME.matcher(name).matches()) {
                throw new ConfigException(file, line.number(), ConfigTexts.badName(name));
            }
            String value = line.text().substring(eq + 1).strip();
            Entry earlier = entries.remove(name);
            if (earlier != null) {
                warnings.add(LogicalLines.where(file, line.number()) + ConfigTexts.overriding(name, earlier.value()));
            }
            entries.put(name, new Entry(value, line.number()));
        }
        return entries;
    }

    private static void validate(Config config, String name, String rawValue, Path file, int line) {
        String value;
        try {
            value = config.get(name);
        } catch (ConfigException e) {
            throw new ConfigException(file, line, e.getMessage());
        }
        Parameter parameter = Parameters.find(name).orElse(null);
        if (parameter != null && !Values.valid(value, parameter)) {
            throw new ConfigException(file, line, parameter.choices().isEmpty()
                    ? ConfigTexts.badValue(name, rawValue, parameter.type())
                    : ConfigTexts.notAChoice(name, rawValue, parameter.choices()));
        }
        if (name.equals("mynetworks")) {
            checkNetworks(name, config.list(name), file, line);
        }
    }

    /** Address literals in mynetworks must be networks Postfix accepts (host bits zero, prefix in range). */
    private static void checkNetworks(String name, List<String> items, Path file, int line) {
        for (String item : items) {
            String network = item.startsWith("!") ? item.substring(1) : item;
            if (!ADDRESS_LITERAL.matcher(network).matches()) {
                continue; // a host name, a table (type:name) or a /file/name
            }
            try {
                Cidr.parse(unmapped(network));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file, line, ConfigTexts.badNetwork(name, item, e.getMessage()));
            }
        }
    }

    private static void warnUnused(Map<String, Entry> entries, List<ServiceEntry> services, Path file,
            List<String> warnings) {
        Set<String> referenced = new HashSet<>();
        entries.values().forEach(e -> addReferences(e.value(), referenced));
        Set<String> serviceNames = new HashSet<>();
        for (ServiceEntry s : services) {
            serviceNames.add(s.service());
            s.overrides().values().forEach(v -> addReferences(v, referenced));
            s.args().forEach(a -> addReferences(a, referenced));
        }
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (unused(e.getKey(), referenced, serviceNames)) {
                warnings.add(LogicalLines.where(file, e.getValue().line())
                        + ConfigTexts.unused(e.getKey(), e.getValue().value()));
            }
        }
        for (ServiceEntry s : services) {
            s.overrides().forEach((name, value) -> {
                if (unused(name, referenced, serviceNames)) {
                    warnings.add(LogicalLines.where(s.file(), s.line()) + ConfigTexts.unused(name, value));
                }
            });
        }
    }

    /**
     * Postfix's stock submission entry says {@code -o smtpd_client_restrictions=$mua_client_restrictions}
     * and leaves mua_client_restrictions to main.cf; unset, it expands to nothing, so say so, as
     * Postfix does.
     */
    private static void warnUndefined(Map<String, Entry> entries, ServiceEntry service, List<String> warnings) {
        Set<String> reported = new HashSet<>();
        for (String value : service.overrides().values()) {
            Matcher m = PLAIN_REFERENCE.matcher(value);
            while (m.find()) {
                String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
                if (!entries.containsKey(name) && !service.overrides().containsKey(name)
                        && Parameters.find(name).isEmpty() && Vocabulary.parameter(name).isEmpty()
                        && !PROCESS_PARAMETERS.contains(name)
                        && reported.add(name)) {
                    warnings.add(LogicalLines.where(service.file(), service.line()) + ConfigTexts.undefined(name));
                }
            }
        }
    }

    /**
     * receive_override_options = no_address_mappings keeps Postfix's cleanup from mapping
     * addresses before a content filter. Bulwark maps only when it delivers, and a filtered
     * message only after it comes back; the option turns off only the automatic BCC copies, made
     * when the filtered mail comes back. On a service without a filter it would stop mapping in
     * Postfix but not here, so say so.
     */
    private static void warnAddressMappings(Config main, Map<String, Entry> entries, List<ServiceEntry> services,
            Path file, List<String> warnings) {
        Entry entry = entries.get("receive_override_options");
        if (entry != null && withoutFilter(main)) {
            warnings.add(LogicalLines.where(file, entry.line()) + ConfigTexts.addressMappingsAtDelivery());
        }
        for (ServiceEntry s : services) {
            boolean overrides = s.overrides().containsKey("receive_override_options")
                    || s.overrides().containsKey("content_filter");
            if (overrides && (s.command().equals("smtpd") || s.command().equals("pickup"))
                    && withoutFilter(main.with(s))) {
                warnings.add(LogicalLines.where(s.file(), s.line()) + ConfigTexts.addressMappingsAtDelivery());
            }
        }
    }

    private static boolean withoutFilter(Config config) {
        return config.list("receive_override_options").contains("no_address_mappings")
                && config.get("content_filter").isBlank();
    }

    /**
     * {@code myorigin = /etc/mailname} names a file whose first line is the domain (Debian's
     * Postfix); without that line mail would go out from $myhostname, so say so.
     */
    private static void warnUnreadableOrigin(Config main, Entry origin, Path file, List<String> warnings) {
        String path = origin.value().strip();
        if (!path.startsWith("/")) {
            return;
        }
        String firstLine = "";
        try (java.io.BufferedReader in = Files.newBufferedReader(Path.of(path))) {
            String line = in.readLine();
            firstLine = line == null ? "" : line.strip();
        } catch (java.io.IOException | RuntimeException unreadable) {
            // reported below
        }
        if (firstLine.isEmpty()) {
            warnings.add(LogicalLines.where(file, origin.line())
                    + ConfigTexts.originFileUnreadable(path, main.get("myhostname")));
        }
    }

    private static boolean unused(String name, Set<String> referenced, Set<String> serviceNames) {
        return Parameters.find(name).isEmpty() && VocabularyCheck.parameterEntry(name, serviceNames).isEmpty()
                && !referenced.contains(name);
    }

    /**
     * {@code [::ffff:a.b.c.d]/N} written as the IPv4 network it maps, {@code a.b.c.d/(N-96)}: Java
     * reads an IPv4-mapped literal as a 4-byte address, which Cidr then finds too short for N.
     */
    private static String unmapped(String network) {
        Matcher m = MAPPED_IPV4.matcher(network);
        if (m.matches() && Integer.parseInt(m.group(2)) >= 96) {
            return m.group(1) + "/" + (Integer.parseInt(m.group(2)) - 96);
        }
        return network;
    }

    private static void addReferences(String text, Set<String> into) {
        Matcher m = REFERENCE.matcher(text);
        while (m.find()) {
            into.add(m.group(1));
        }
    }
}
