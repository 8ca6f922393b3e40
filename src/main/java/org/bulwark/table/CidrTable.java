package org.bulwark.table;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bulwark.config.LogicalLines;
import org.bulwark.util.Cidr;

/**
 * {@code cidr:} tables (cidr_table(5)): {@code network/prefix result} lines tried in file order,
 * the first network that contains the looked-up address wins. A key that is not an IP address
 * finds nothing.
 */
final class CidrTable implements LookupTable {

    private record Entry(Cidr network, String result) {
    }

    private final String spec;
    private final List<Entry> entries;

    private CidrTable(String spec, List<Entry> entries) {
        this.spec = spec;
        this.entries = List.copyOf(entries);
    }

    static CidrTable read(String spec, Path file) {
        List<Entry> entries = new ArrayList<>();
        for (LogicalLines.Line line : SourceLines.read(file, spec)) {
            String text = line.text();
            int space = MapTable.firstWhitespace(text);
            if (space < 0) {
                throw TableTexts.badLine(file, line.number(), text, "expected format: network/prefix result");
            }
            try {
                entries.add(new Entry(Cidr.parse(text.substring(0, space)), text.substring(space).strip()));
            } catch (IllegalArgumentException e) {
                throw TableTexts.badLine(file, line.number(), text, e.getMessage());
            }
        }
        return new CidrTable(spec, entries);
    }

    @Override
    public Optional<String> find(String key) {
        String k = key.strip();
        if (k.startsWith("[") && k.endsWith("]")) {
            k = k.substring(1, k.length() - 1);
        }
        byte[] bytes = Cidr.literalBytes(k);
        if (bytes == null) {
            return Optional.empty();
        }
        InetAddress address;
        try {
            address = InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        for (Entry entry : entries) {
            if (entry.network().contains(address)) {
                return Optional.of(entry.result());
            }
        }
        return Optional.empty();
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public String toString() {
        return spec;
    }
}
