package org.bulwark.config;

import org.bulwark.util.IpAddresses;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Defaults that depend on the machine. None of them asks DNS: a configuration read must not
 * hang on a resolver, so the host name comes from HOSTNAME or /etc/hostname.
 */
final class HostDefaults {

    private static final String HOST_NAME = lookUpHostName();

    private HostDefaults() {
    }

    static String hostName() {
        return HOST_NAME;
    }

    /** Postfix's default domain for a host name without dots (mail_params.c). */
    static final String LOCAL_DOMAIN = "localdomain";

    /** Postfix's mydomain default: myhostname minus its first label; localdomain for a one-label name. */
    static String domainOf(String hostName) {
        int dot = hostName.indexOf('.');
        return dot < 0 || dot == hostName.length() - 1 ? LOCAL_DOMAIN : hostName.substring(dot + 1);
    }

    /** Postfix's myhostname default: the host name, with .$mydomain (or .localdomain) added when it has no dot. */
    static String qualified(String hostName, String mydomain) {
        if (hostName.indexOf('.') >= 0) {
            return hostName;
        }
        return hostName + "." + (mydomain.isEmpty() ? LOCAL_DOMAIN : mydomain);
    }

    private static String lookUpHostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim().toLowerCase(Locale.ROOT);
        }
        try {
            String file = Files.readString(Path.of("/etc/hostname")).trim();
            if (!file.isEmpty()) {
                return file.toLowerCase(Locale.ROOT);
            }
        } catch (IOException | RuntimeException e) {
            // No /etc/hostname: fall through to the last resort.
        }
        return "localhost";
    }

    /**
     * mynetworks as Postfix computes it from mynetworks_style: "host" lists the machine's own
     * addresses, "subnet" their networks, "class" their classful IPv4 networks. Loopback is always in.
     */
    static String mynetworks(String style) {
        Set<String> networks = new LinkedHashSet<>();
        networks.add("127.0.0.0/8");
        networks.add("[::1]/128");
        try {
            var interfaces = NetworkInterface.getNetworkInterfaces();
            while (interfaces != null && interfaces.hasMoreElements()) {
                NetworkInterface nic = interfaces.nextElement();
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InterfaceAddress ia : nic.getInterfaceAddresses()) {
                    InetAddress address = ia.getAddress();
                    if (address.isLinkLocalAddress()) {
                        continue;
                    }
                    networks.add(network(address, prefixFor(style, address, ia.getNetworkPrefixLength())));
                }
            }
        } catch (SocketException e) {
            // Interfaces unavailable: loopback alone is the safe answer.
        }
        return String.join(" ", networks);
    }

    private static int prefixFor(String style, InetAddress address, int subnetPrefix) {
        boolean v4 = address instanceof Inet4Address;
        return switch (style.trim().toLowerCase(Locale.ROOT)) {
            case "subnet" -> subnetPrefix;
            case "class" -> v4 ? classfulPrefix(address.getAddress()[0] & 0xff) : subnetPrefix;
            default -> v4 ? 32 : 128;
        };
    }

    private static int classfulPrefix(int firstOctet) {
        if (firstOctet < 128) {
            return 8;
        }
        return firstOctet < 192 ? 16 : 24;
    }

    private static String network(InetAddress address, int prefix) {
        byte[] bytes = address.getAddress().clone();
        for (int bit = prefix; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        if (bytes.length == 4) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff)
                    + "/" + prefix;
        }
        return "[" + ipv6(bytes) + "]/" + prefix;
    }

    /** The RFC 5952 text form: lower case, the longest run of zero groups written as ::. */
    static String ipv6(byte[] bytes) {
        return IpAddresses.ipv6(bytes);
    }
}
