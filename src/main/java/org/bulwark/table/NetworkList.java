package org.bulwark.table;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * A Postfix network list such as {@code mynetworks}: CIDR blocks, bare addresses, {@code [ipv6]/n},
 * {@code /file/name} entries, {@code type:table} lookups and {@code !} negation, first match wins.
 */
public final class NetworkList {

    public static NetworkList parse(List<String> items, Path configDirectory) {
        throw new UnsupportedOperationException("not built yet");
    }

    public boolean matches(InetAddress address) {
        throw new UnsupportedOperationException("not built yet");
    }
}
