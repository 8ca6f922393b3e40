package org.bulwark.postscreen;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bulwark.config.ConfigException;
import org.bulwark.table.LookupTable;
import org.bulwark.table.LookupTables;
import org.bulwark.table.NetworkList;

/**
 * postscreen_access_list: the permanent allow and deny list, read left to right. The first item
 * that knows the client decides: {@code permit_mynetworks} allows clients in mynetworks, a table
 * (usually {@code cidr:}) answers permit, reject or dunno (dunno: go on to the next item).
 */
final class AccessList {

    enum Verdict { ALLOW, DENY, NONE }

    private sealed interface Item permits Mynetworks, Table { }

    private record Mynetworks(NetworkList networks) implements Item { }

    private record Table(LookupTable table) implements Item { }

    private final List<Item> items;

    private AccessList(List<Item> items) {
        this.items = items;
    }

    static AccessList parse(List<String> values, List<String> mynetworks, Path configDirectory) {
        List<Item> items = new ArrayList<>();
        NetworkList networks = null;
        for (String value : values) {
            if (value.equalsIgnoreCase("permit_mynetworks")) {
                if (networks == null) {
                    networks = NetworkList.parse(mynetworks, configDirectory);
                }
                items.add(new Mynetworks(networks));
            } else if (value.indexOf(':') > 0) {
                items.add(new Table(LookupTables.open(value, configDirectory)));
            } else {
                throw new ConfigException(PostscreenTexts.badAccessItem(value));
            }
        }
        return new AccessList(List.copyOf(items));
    }

    Verdict judge(InetAddress client) {
        for (Item item : items) {
            switch (item) {
                case Mynetworks m -> {
                    if (m.networks().matches(client)) {
                        return Verdict.ALLOW;
                    }
                }
                case Table t -> {
                    Optional<String> found = LookupTables.findNetworkAddress(t.table(), client);
                    if (found.isPresent()) {
                        String action = found.get().strip().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
                        switch (action) {
                            case "permit" -> {
                                return Verdict.ALLOW;
                            }
                            case "reject" -> {
                                return Verdict.DENY;
                            }
                            case "dunno" -> {
                            }
                            // Fail closed: an answer we do not understand must not let the client by.
                            default -> throw new IllegalStateException(
                                    PostscreenTexts.badAccessResult(t.table().spec(), found.get()));
                        }
                    }
                }
            }
        }
        return Verdict.NONE;
    }
}
