package org.bulwark.table;

import org.bulwark.util.IpAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bulwark.util.Cidr;

/**
 * A Postfix network list such as {@code mynetworks}: CIDR blocks, bare addresses, {@code [ipv6]/n},
 * {@code /file/name} entries, {@code type:table} lookups and {@code !} negation, first match wins.
 * A {@code !/file/name} negates every item in the file, as match_list(3) does.
 */
public final class NetworkList {

    private sealed interface Item permits Network, Table {
        boolean negated();
    }

    private record Network(Cidr cidr, boolean negated) implements Item {
    }

    /** A table is a match when it finds the address text, whatever the value. */
    private record Table(LookupTable table, boolean negated) implements Item {
    }

    private final List<Item> items;

    private NetworkList(List<Item> items) {
        this.items = List.copyOf(items);
    }

    public static NetworkList parse(List<String> items, Path configDirectory) {
        List<Item> out = new ArrayList<>();
        for (String item : ListItems.split(items)) {
            add(out, item, false, configDirectory, null, 0);
        }
        return new NetworkList(out);
    }

    private static void add(List<Item> out, String item, boolean negated, Path dir, Path file, int line) {
        String s = item;
        while (s.startsWith("!")) {
            negated = !negated;
            s = s.substring(1);
        }
        if (s.startsWith("/")) {
            for (ListItems.FileItem fileItem : ListItems.readFile(dir.resolve(s), s)) {
                add(out, fileItem.text(), negated, dir, fileItem.file(), fileItem.line());
            }
            return;
        }
        if (!s.startsWith("[") && s.indexOf(':') > 0 && Character.isLetter(s.charAt(0)) && !isBareIpv6(s)) {
            out.add(new Table(LookupTables.open(s, dir), negated));
            return;
        }
        try {
            out.add(new Network(Cidr.parse(s), negated));
        } catch (IllegalArgumentException e) {
            throw TableTexts.badNetwork(file, line, item, e.getMessage());
        }
    }

    private static boolean isBareIpv6(String s) {
        int slash = s.indexOf('/');
        return Cidr.literalBytes(slash < 0 ? s : s.substring(0, slash)) != null;
    }

    public boolean matches(InetAddress address) {
        String text = null;
        for (Item item : items) {
            boolean hit;
            if (item instanceof Network network) {
                hit = network.cidr().contains(address);
            } else {
                text = text == null ? addressText(address) : text;
                hit = ((Table) item).table().find(text).isPresent();
            }
            if (hit) {
                return !item.negated();
            }
        }
        return false;
    }

    /**
     * The address as Postfix writes it in tables: dotted quad for IPv4 (also for an IPv4-mapped
     * IPv6 address), the compressed RFC 5952 form for IPv6.
     */
    static String addressText(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 16 && isV4Mapped(b)) {
            try {
                return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}).getHostAddress();
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        return IpAddresses.ipv6(b);
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
