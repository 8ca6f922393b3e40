package org.bulwark.util;

import java.net.Inet6Address;
import java.net.InetAddress;

/** IP addresses as text, in the one form logs, replies and table keys all use. */
public final class IpAddresses {

    private IpAddresses() {
    }

    /**
     * IPv4 in dotted form; IPv6 in its RFC 5952 §4 short form: lower case, no leading zeros, the
     * longest run of two or more zero groups written as {@code ::}, no scope. Postfix prints
     * addresses this way and access tables are keyed on it.
     */
    public static String format(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        return ipv6(address.getAddress());
    }

    /** The RFC 5952 form of 16 address bytes. */
    public static String ipv6(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xff) << 8 | bytes[2 * i + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
