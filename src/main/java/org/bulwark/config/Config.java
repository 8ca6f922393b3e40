package org.bulwark.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The effective configuration of one service: main.cf values over Postfix's defaults, with the
 * service's master.cf {@code -o} overrides on top. Values are returned with {@code $name}
 * expansion done. Immutable; a reload builds a new one.
 */
public interface Config {

    /** The expanded value; a parameter nobody set and without a default is "". */
    String get(String name);

    /** The expanded value split on commas and white space, as Postfix splits lists. */
    List<String> list(String name);

    int integer(String name);

    /** A size in bytes (Postfix sizes are plain byte counts). */
    long size(String name);

    /** A time value with Postfix's units: s, m, h, d, w; a bare number uses the parameter's default unit. */
    Duration time(String name);

    /** yes/no (also true/false), as Postfix reads booleans. */
    boolean bool(String name);

    /** Whether main.cf or an override sets this parameter (as {@code postconf -n} shows). */
    boolean isSet(String name);

    /** This configuration with per-service overrides (master.cf {@code -o name=value}) on top. */
    Config with(Map<String, String> overrides);

    /**
     * A master.cf service's configuration: its {@code -o} overrides over this one, each located at
     * the service's line, so that an error names the file that holds the value: master.cf for an
     * override, main.cf for everything else.
     */
    default Config with(ServiceEntry service) {
        return with(service.overrides());
    }

    /**
     * Where main.cf sets a parameter, as {@code /etc/postfix/main.cf, line 12}, so that a problem
     * found in its value after loading (an unknown restriction, a missing table) can say where.
     */
    default java.util.Optional<String> whereSet(String name) {
        return java.util.Optional.empty();
    }

    /** The directory main.cf and master.cf were read from. */
    Path configDirectory();

    /** The unexpanded value: main.cf's (or an override's) if set, else the default (as {@code postconf} shows it). */
    default String raw(String name) {
        return get(name);
    }

    /** The unexpanded default of a parameter ({@code postconf -d}); "" for an unknown one. */
    default String defaultValue(String name) {
        return "";
    }

    /** The names main.cf and the overrides set, sorted ({@code postconf -n}). */
    default Set<String> setParameters() {
        return Set.of();
    }

    /** Expands {@code $name} references in a text against this configuration. */
    default String expand(String text) {
        return text;
    }

    /** A configuration of defaults and the given values, for tests and tools. */
    static Config of(Map<String, String> values) {
        return MainCf.fromMap(values);
    }
}
