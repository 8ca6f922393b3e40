package org.bulwark.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The main.cf values over the registry's defaults, expanded on lookup. Immutable; lookups are
 * cached, so a Config may be shared by every connection's thread.
 */
final class MainCf implements Config {

    private static final String LIST_SEPARATORS = ", \t\r\n";

    private final Map<String, String> values;
    private final Path directory;
    /** Where each main.cf parameter was set, "file, line N", for errors found after loading. */
    private final Map<String, String> locations;
    private final Expander expander = new Expander(this::raw);
    private final Map<String, String> expanded = new ConcurrentHashMap<>();

    MainCf(Map<String, String> values, Path directory) {
        this(values, directory, Map.of());
    }

    MainCf(Map<String, String> values, Path directory, Map<String, String> locations) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.directory = directory;
        this.locations = Map.copyOf(locations);
    }

    static Config fromMap(Map<String, String> values) {
        String dir = values.get("config_directory");
        return new MainCf(values, Path.of(dir == null || dir.isEmpty() ? "." : dir));
    }

    @Override
    public String get(String name) {
        String cached = expanded.get(name);
        if (cached == null) {
            cached = expander.expandParameter(name);
            expanded.putIfAbsent(name, cached);
        }
        return cached;
    }

    @Override
    public List<String> list(String name) {
        String value = get(name);
        return Values.split(value, LIST_SEPARATORS)
                .orElseThrow(() -> bad(name, value, ParameterType.LIST));
    }

    @Override
    public int integer(String name) {
        String value = get(name);
        return Values.integer(value).orElseThrow(() -> bad(name, value, ParameterType.INTEGER));
    }

    @Override
    public long size(String name) {
        String value = get(name);
        return Values.size(value).orElseThrow(() -> bad(name, value, ParameterType.SIZE));
    }

    @Override
    public Duration time(String name) {
        String value = get(name);
        char unit = Parameters.find(name).map(Parameter::defaultUnit).orElse('s');
        return Values.time(value, unit).orElseThrow(() -> bad(name, value, ParameterType.TIME));
    }

    @Override
    public boolean bool(String name) {
        String value = get(name);
        return Values.bool(value).orElseThrow(() -> bad(name, value, ParameterType.BOOLEAN));
    }

    @Override
    public boolean isSet(String name) {
        return values.containsKey(name);
    }

    @Override
    public Config with(Map<String, String> overrides) {
        Map<String, String> merged = new HashMap<>(values);
        merged.putAll(overrides);
        return new MainCf(merged, directory, locations);
    }

    @Override
    public Config with(ServiceEntry service) {
        Map<String, String> merged = new HashMap<>(values);
        merged.putAll(service.overrides());
        Map<String, String> where = new HashMap<>(locations);
        service.overrides().keySet().forEach(name -> where.put(name, service.file() + ", line " + service.line()));
        return new MainCf(merged, directory, where);
    }

    @Override
    public Path configDirectory() {
        return directory;
    }

    @Override
    public String raw(String name) {
        return raw(name, this::get);
    }

    private String raw(String name, Function<String, String> expanded) {
        if (name.equals("config_directory")) {
            // The directory actually read, whatever main.cf says: like postfix -c, it wins.
            return directory.toString();
        }
        String value = values.get(name);
        return value != null ? value : defaultValue(name, expanded);
    }

    @Override
    public String defaultValue(String name) {
        return defaultValue(name, this::get);
    }

    private String defaultValue(String name, Function<String, String> expanded) {
        Parameter parameter = Parameters.find(name).orElse(null);
        if (parameter == null) {
            return "";
        }
        if (!parameter.computedDefault()) {
            return parameter.defaultValue();
        }
        return switch (name) {
            case "myhostname" -> HostDefaults.qualified(HostDefaults.hostName(), isSet("mydomain")
                    ? expanded.apply("mydomain") : "");
            case "mydomain" -> HostDefaults.domainOf(expanded.apply("myhostname"));
            case "mynetworks" -> HostDefaults.mynetworks(expanded.apply("mynetworks_style"));
            default -> "";
        };
    }

    @Override
    public Set<String> setParameters() {
        return Collections.unmodifiableSet(new TreeSet<>(values.keySet()));
    }

    @Override
    public String expand(String text) {
        return expander.expandText("(text)", text);
    }

    private static ConfigException bad(String name, String value, ParameterType type) {
        return new ConfigException(ConfigTexts.badValue(name, value, type));
    }

    @Override
    public java.util.Optional<String> whereSet(String name) {
        return java.util.Optional.ofNullable(locations.get(name));
    }
}
