package org.bulwark.table;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bulwark.config.Config;

/**
 * A Postfix domain list ({@code mydestination}, {@code relay_domains}, {@code virtual_*_domains}):
 * domain names (case-insensitive), {@code .example.com} for the subdomains of example.com,
 * {@code /file/name} (a file of such items), {@code type:table} (the domain is a key in the
 * table; the value does not matter) and {@code !} negation; the first matching item decides.
 * When the parameter is listed in {@code parent_domain_matches_subdomains}, {@code example.com}
 * also matches its subdomains.
 */
public final class MatchList {

    private sealed interface Item permits Name, Table {
        boolean negated();
    }

    private record Name(String name, boolean negated) implements Item {
    }

    private record Table(LookupTable table, boolean negated) implements Item {
    }

    private final List<Item> items;
    private final boolean parentMatchesSubdomains;

    private MatchList(List<Item> items, boolean parentMatchesSubdomains) {
        this.items = List.copyOf(items);
        this.parentMatchesSubdomains = parentMatchesSubdomains;
    }

    /** The list in parameter {@code name}, with that parameter's parent-domain style. */
    public static MatchList of(Config config, String name) {
        return parse(config.list(name), config.configDirectory(), parentMatchesSubdomains(config, name));
    }

    /** Whether {@code parent_domain_matches_subdomains} lists the parameter. */
    public static boolean parentMatchesSubdomains(Config config, String parameter) {
        return config.list("parent_domain_matches_subdomains").contains(parameter);
    }

    public static MatchList parse(List<String> items, Path configDirectory, boolean parentMatchesSubdomains) {
        List<Item> out = new ArrayList<>();
        for (String item : ListItems.split(items)) {
            add(out, item, false, configDirectory);
        }
        return new MatchList(out, parentMatchesSubdomains);
    }

    private static void add(List<Item> out, String item, boolean negated, Path dir) {
        String s = item;
        while (s.startsWith("!")) {
            negated = !negated;
            s = s.substring(1);
        }
        if (s.startsWith("/")) {
            for (ListItems.FileItem fileItem : ListItems.readFile(dir.resolve(s), s)) {
                add(out, fileItem.text(), negated, dir);
            }
        } else if (s.indexOf(':') > 0 && !s.startsWith("[")) {
            out.add(new Table(LookupTables.open(s, dir), negated));
        } else {
            out.add(new Name(s.toLowerCase(Locale.ROOT), negated));
        }
    }

    public boolean matches(String domain) {
        String name = domain.toLowerCase(Locale.ROOT);
        for (Item item : items) {
            boolean hit = switch (item) {
                case Name n -> nameMatches(n.name(), name);
                case Table t -> LookupTables.findDomain(t.table(), name, parentMatchesSubdomains).isPresent();
            };
            if (hit) {
                return !item.negated();
            }
        }
        return false;
    }

    /** Whether the list is empty (e.g. relay_domains with Postfix 3's default). */
    public boolean isEmpty() {
        return items.isEmpty();
    }

    private boolean nameMatches(String pattern, String name) {
        if (pattern.equals(name)) {
            return true;
        }
        if (pattern.startsWith(".")) {
            return name.endsWith(pattern) && name.length() > pattern.length();
        }
        return parentMatchesSubdomains && name.endsWith("." + pattern);
    }
}
