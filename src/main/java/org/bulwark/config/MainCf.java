package org.bulwark.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Placeholder implementation: a map with $name expansion. To be replaced by the real main.cf
 * parser with Postfix's defaults and file:line errors.
 */
final class MainCf implements Config {

    private final Map<String, String> values;
    private final Path directory;

    private MainCf(Map<String, String> values, Path directory) {
        this.values = Map.copyOf(values);
        this.directory = directory;
    }

    static Config fromMap(Map<String, String> values) {
        return new MainCf(values, Path.of("."));
    }

    @Override
    public String get(String name) {
        return expand(values.getOrDefault(name, ""), 0);
    }

    private String expand(String raw, int depth) {
        if (depth > 20 || raw.indexOf('$') < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '$' && i + 1 < raw.length()) {
                int start = i + 1;
                boolean braces = raw.charAt(start) == '{';
                int j = braces ? start + 1 : start;
                while (j < raw.length() && (Character.isLetterOrDigit(raw.charAt(j)) || raw.charAt(j) == '_')) {
                    j++;
                }
                String name = raw.substring(braces ? start + 1 : start, j);
                out.append(expand(values.getOrDefault(name, ""), depth + 1));
                i = braces ? j : j - 1;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public List<String> list(String name) {
        List<String> out = new ArrayList<>();
        for (String item : get(name).split("[,\\s]+")) {
            if (!item.isEmpty()) {
                out.add(item);
            }
        }
        return out;
    }

    @Override
    public int integer(String name) {
        return Integer.parseInt(get(name).trim());
    }

    @Override
    public long size(String name) {
        return Long.parseLong(get(name).trim());
    }

    @Override
    public Duration time(String name) {
        String v = get(name).trim();
        char unit = Character.isDigit(v.charAt(v.length() - 1)) ? 's' : v.charAt(v.length() - 1);
        long n = Long.parseLong(Character.isDigit(unit) || unit == 's' && !v.endsWith("s") ? v : v.substring(0, v.length() - 1));
        return switch (unit) {
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            case 'w' -> Duration.ofDays(7 * n);
            default -> Duration.ofSeconds(n);
        };
    }

    @Override
    public boolean bool(String name) {
        String v = get(name).trim();
        return v.equalsIgnoreCase("yes") || v.equalsIgnoreCase("true");
    }

    @Override
    public boolean isSet(String name) {
        return values.containsKey(name);
    }

    @Override
    public Config with(Map<String, String> overrides) {
        Map<String, String> merged = new HashMap<>(values);
        merged.putAll(overrides);
        return new MainCf(merged, directory);
    }

    @Override
    public Path configDirectory() {
        return directory;
    }
}
