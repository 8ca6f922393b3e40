package org.bulwark.util;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network in CIDR form, written as Postfix accepts it: {@code 127.0.0.0/8},
 * {@code 192.0.2.1} (a single host), {@code [::1]/128} or {@code [::ffff:127.0.0.0]/104}.
 * IPv4-mapped IPv6 addresses match the IPv4 networks they map, as Postfix does.
 */
public record Cidr(byte[] network, int prefixLength) {

    /** Parses a network; the host bits must be zero, as Postfix requires. */
    public static Cidr parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        String addressPart = slash < 0 ? s : s.substring(0, slash);
        if (addressPart.startsWith("[") && addressPart.endsWith("]")) {
            addressPart = addressPart.substring(1, addressPart.length() - 1);
        }
        byte[] bytes = literalBytes(addressPart);
        if (bytes == null) {
            throw new IllegalArgumentException("not an IP address: " + addressPart);
        }
        // Java hands back an IPv4-mapped IPv6 literal (::ffff:a.b.c.d) as 4 bytes; its prefix still counts 128 bits.
        boolean mappedIpv4 = bytes.length == 4 && addressPart.indexOf(':') >= 0;
        int max = mappedIpv4 ? 128 : bytes.length * 8;
        int prefix;
        if (slash < 0) {
            prefix = max;
        } else {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in " + text);
            }
        }
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("prefix length out of range in " + text);
        }
        bytes = unmapIpv4(bytes, prefix);
        if (mappedIpv4 || (bytes.length == 4 && prefix > 32)) {
            if (prefix < 96) {
                throw new IllegalArgumentException("prefix length of an IPv4-mapped network must be at least 96 in " + text);
            }
            prefix -= 96;
        }
        for (int bit = prefix; bit < bytes.length * 8; bit++) {
            if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0) {
                throw new IllegalArgumentException("non-null host address bits in " + text
                        + ", perhaps you should use " + masked(bytes, prefix) + " instead");
            }
        }
        return new Cidr(bytes, prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = unmapIpv4(address.getAddress(), 128);
        if (candidate.length != network.length) {
            return false;
        }
        for (int bit = 0; bit < prefixLength; bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((candidate[bit / 8] & mask) != (network[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** Compiled once: this runs for every message (cleanup's mynetworks test). */
    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /**
     * The address bytes of an IPv4 or IPv6 literal, or {@code null} if the text is not one.
     * Never consults DNS: {@link InetAddress#getByName} would for a host name.
     */
    public static byte[] literalBytes(String text) {
        if (text.isEmpty()) {
            return null;
        }
        boolean ipv6 = text.indexOf(':') >= 0;
        if (ipv6) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    return null;
                }
            }
        } else if (!DOTTED_QUAD.matcher(text).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] unmapIpv4(byte[] bytes, int prefix) {
        if (bytes.length != 16 || prefix < 96) {
            return bytes;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return bytes;
            }
        }
        if (bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
            return bytes;
        }
        return new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
    }

    private static String masked(byte[] bytes, int prefix) {
        byte[] copy = bytes.clone();
        for (int bit = prefix; bit < copy.length * 8; bit++) {
            copy[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
        }
        try {
            return InetAddress.getByAddress(copy).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return masked(network, prefixLength);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr other && other.prefixLength == prefixLength
                && java.util.Arrays.equals(other.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefixLength;
    }
}
