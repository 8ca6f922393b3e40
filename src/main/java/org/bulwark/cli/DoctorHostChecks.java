package org.bulwark.cli;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bulwark.dns.DnsResult;
import org.bulwark.util.Cidr;

/**
 * The host as senders find it: myhostname's address, that address being one this host receives
 * on, its PTR (FCrDNS) and the greeting's name.
 */
final class DoctorHostChecks {

    private DoctorHostChecks() {
    }

    /** myhostname's A/AAAA records: the addresses the other checks are about. */
    static List<InetAddress> hostAddresses(DoctorRun run) {
        DnsResult<InetAddress> result = run.dns.lookupAddresses(run.myhostname);
        List<InetAddress> addresses = result.values();
        run.add(DoctorTexts.hostAddressName(run.myhostname), !addresses.isEmpty(),
                addresses.isEmpty() ? DoctorTexts.notFound(result) : DoctorTexts.addresses(addresses),
                DoctorTexts.aRecord(run.myhostname));
        return addresses;
    }

    /**
     * Mail for myhostname arrives at its DNS address: that address must be one this host listens on,
     * its own (with inet_interfaces = all, any local address) or, behind NAT, one in proxy_interfaces.
     */
    static void listensOn(DoctorRun run, InetAddress address) {
        Set<InetAddress> listening = new LinkedHashSet<>();
        List<String> interfaces = run.config.list("inet_interfaces");
        if (interfaces.contains("all")) {
            listening.addAll(localAddresses());
        } else {
            interfaces.forEach(name -> listening.addAll(literal(name)));
        }
        run.config.list("proxy_interfaces").forEach(name -> listening.addAll(literal(name)));
        boolean ours = listening.contains(address);
        run.add(DoctorTexts.listensName(address), ours, DoctorTexts.listening(listening, ours ? null : address), "");
    }

    /** Every address of this host's interfaces; empty when the system will not list them. */
    static Set<InetAddress> localAddresses() {
        Set<InetAddress> addresses = new LinkedHashSet<>();
        try {
            NetworkInterface.networkInterfaces().forEach(n -> n.inetAddresses().forEach(addresses::add));
        } catch (SocketException e) {
            // No interface list: every address counts as not ours, and the check says which ones it saw.
        }
        return addresses;
    }

    /** An address written in inet_interfaces or proxy_interfaces; names are not resolved (no DNS here). */
    static List<InetAddress> literal(String text) {
        byte[] bytes = Cidr.literalBytes(text.replaceAll("^\\[|\\]$", ""));
        if (bytes == null) {
            return List.of();
        }
        try {
            return List.of(InetAddress.getByAddress(bytes));
        } catch (java.net.UnknownHostException e) {
            return List.of();
        }
    }

    /** RFC 5321 §4.3.1: the greeting starts with the server's name; receivers compare it with the PTR. */
    static void banner(DoctorRun run) {
        String banner = run.config.get("smtpd_banner");
        String first = banner.strip().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        run.add(DoctorTexts.bannerName(), first.equals(run.myhostname), "220 " + banner, "");
    }

    static void reverseName(DoctorRun run, InetAddress address) {
        DnsResult<String> ptr = run.dns.reverseNames(address);
        boolean confirmed = run.dns.verifyName(address).values().stream().anyMatch(run.myhostname::equalsIgnoreCase);
        run.add(DoctorTexts.ptrName(address), confirmed,
                confirmed ? run.myhostname : ptr.isFound() ? DoctorTexts.ptrMismatch(ptr.values(), run.myhostname)
                        : DoctorTexts.notFound(ptr),
                DoctorTexts.ptrRecord(address, run.myhostname));
    }
}
