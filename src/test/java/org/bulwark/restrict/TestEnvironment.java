package org.bulwark.restrict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.time.Duration;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.dns.DnsResolver;
import org.bulwark.table.AddressClass;
import org.bulwark.table.LookupTable;
import org.bulwark.util.Cidr;

/**
 * A small stand-in for the table layer, so the restriction engine can be tested on its own:
 * domain classes from the *_domains parameters, mynetworks as CIDR blocks, and
 * {@code inline:{k=v, ...}} and {@code texthash:file} tables.
 */
final class TestEnvironment {

    private TestEnvironment() {
    }

    static Environment of(Config config, Path directory) {
        return of(config, directory, DnsResolver.create(List.of("127.0.0.1:1"), Duration.ofMillis(200), 1));
    }

    static Environment of(Config config, Path directory, DnsResolver dns) {
        Map<String, AddressClass> classes = new HashMap<>();
        put(classes, config, "relay_domains", AddressClass.RELAY);
        put(classes, config, "virtual_mailbox_domains", AddressClass.VIRTUAL_MAILBOX);
        put(classes, config, "virtual_alias_domains", AddressClass.VIRTUAL_ALIAS);
        put(classes, config, "mydestination", AddressClass.LOCAL);
        List<Cidr> networks = config.list("mynetworks").stream().map(Cidr::parse).toList();
        return new Environment(
                domain -> classes.getOrDefault(domain.toLowerCase(Locale.ROOT), AddressClass.DEFAULT),
                address -> networks.stream().anyMatch(n -> n.contains(address)),
                spec -> open(spec, directory), dns);
    }

    private static void put(Map<String, AddressClass> classes, Config config, String parameter, AddressClass c) {
        for (String domain : config.list(parameter)) {
            classes.put(domain.toLowerCase(Locale.ROOT), c);
        }
    }

    static LookupTable open(String spec, Path directory) {
        Map<String, String> entries = new HashMap<>();
        if (spec.startsWith("inline:{") && spec.endsWith("}")) {
            for (String item : items(spec.substring(8, spec.length() - 1))) {
                String entry = item.startsWith("{") ? item.substring(1, item.length() - 1).strip() : item;
                int eq = entry.indexOf('=');
                entries.put(entry.substring(0, eq).strip().toLowerCase(Locale.ROOT), entry.substring(eq + 1).strip());
            }
        } else if (spec.startsWith("texthash:")) {
            try {
                for (String line : Files.readAllLines(directory.resolve(spec.substring(9)))) {
                    String l = line.strip();
                    if (l.isEmpty() || l.startsWith("#")) {
                        continue;
                    }
                    String[] kv = l.split("\\s+", 2);
                    entries.put(kv[0].toLowerCase(Locale.ROOT), kv.length > 1 ? kv[1] : "");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            throw new ConfigException("unsupported table in test: " + spec);
        }
        return new LookupTable() {
            @Override
            public Optional<String> find(String key) {
                return Optional.ofNullable(entries.get(key.toLowerCase(Locale.ROOT)));
            }

            @Override
            public String spec() {
                return spec;
            }
        };
    }

    private static List<String> items(String inner) {
        List<String> out = new java.util.ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        for (char c : inner.toCharArray()) {
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            }
            if (c == ',' && depth == 0) {
                if (!current.toString().isBlank()) {
                    out.add(current.toString().strip());
                }
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }
}
