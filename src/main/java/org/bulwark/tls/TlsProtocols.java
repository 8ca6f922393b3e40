package org.bulwark.tls;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Postfix's protocol settings ({@code >=TLSv1.2}, {@code <=TLSv1.3}, {@code !SSLv3, !TLSv1} or a
 * plain list of names), reduced to what Bulwark ever enables: TLS 1.2 and 1.3. Older protocols
 * are accepted in the syntax, as old main.cf files name them, but never switched on (RFC 8996
 * deprecates TLS 1.0 and 1.1).
 */
public final class TlsProtocols {

    /** Every name Postfix accepts, oldest first. */
    private static final List<String> KNOWN = List.of("SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");
    private static final Set<String> MODERN = Set.of("TLSv1.2", "TLSv1.3");

    private TlsProtocols() {
    }

    /** The protocols to enable, newest last; fails when the setting names an unknown one or leaves none. */
    public static List<String> enabled(List<String> setting) throws TlsException {
        int low = 0;
        int high = KNOWN.size() - 1;
        Set<String> excluded = new LinkedHashSet<>();
        Set<String> included = new LinkedHashSet<>();
        for (String item : setting) {
            if (item.isBlank()) {
                continue;
            }
            if (item.startsWith(">=")) {
                low = Math.max(low, index(item.substring(2)));
            } else if (item.startsWith("<=")) {
                high = Math.min(high, index(item.substring(2)));
            } else if (item.startsWith("!")) {
                excluded.add(KNOWN.get(index(item.substring(1))));
            } else {
                included.add(KNOWN.get(index(item)));
            }
        }
        LinkedHashSet<String> result = new LinkedHashSet<>();
        for (int i = low; i <= high; i++) {
            String name = KNOWN.get(i);
            if (MODERN.contains(name) && !excluded.contains(name) && (included.isEmpty() || included.contains(name))) {
                result.add(name);
            }
        }
        if (result.isEmpty()) {
            throw new TlsException(TlsTexts.noProtocolLeft(String.join(", ", setting)));
        }
        return List.copyOf(result);
    }

    private static int index(String name) throws TlsException {
        for (int i = 0; i < KNOWN.size(); i++) {
            if (KNOWN.get(i).toLowerCase(Locale.ROOT).equals(name.trim().toLowerCase(Locale.ROOT))) {
                return i;
            }
        }
        throw new TlsException(TlsTexts.unknownProtocol(name));
    }
}
