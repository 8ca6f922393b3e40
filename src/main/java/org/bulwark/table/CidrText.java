package org.bulwark.table;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bulwark.util.Cidr;

/**
 * Parses network patterns through {@link Cidr#parse}, first rewriting an IPv4-mapped IPv6 network
 * such as the guides' {@code [::ffff:127.0.0.0]/104} to the IPv4 network it maps: Java reads
 * {@code ::ffff:a.b.c.d} as a 4-byte address, which Cidr would then refuse a prefix over 32 for.
 */
final class CidrText {

    private static final Pattern MAPPED =
            Pattern.compile("\\[?(?:0{0,4}:){0,5}:?ffff:(\\d{1,3}(?:\\.\\d{1,3}){3})]?(?:/(\\d{1,3}))?");

    private CidrText() {
    }

    static Cidr parse(String text) {
        Matcher m = MAPPED.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            int prefix = m.group(2) == null ? 128 : Integer.parseInt(m.group(2));
            if (prefix < 96 || prefix > 128) {
                throw new IllegalArgumentException("prefix length out of range in " + text);
            }
            return Cidr.parse(m.group(1) + "/" + (prefix - 96));
        }
        return Cidr.parse(text);
    }
}
