package org.bulwark.cli;

import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bulwark.dns.DnsResult;
import org.bulwark.restrict.ClientBlockLists;

/** The host's addresses on the block lists this server uses and on those receivers commonly consult. */
final class DoctorBlockLists {

    /**
     * Block lists that receiving providers commonly consult, checked even when the configuration
     * names none: a listing there costs delivery whatever this server itself uses.
     */
    static final List<String> USUAL_RBLS = List.of("zen.spamhaus.org", "bl.spamcop.net", "b.barracudacentral.org");

    private DoctorBlockLists() {
    }

    /** The lists smtpd's restrictions (and postscreen_dnsbl_sites) name, then the usual ones. */
    static Set<String> zones(DoctorRun run) {
        Set<String> zones = new LinkedHashSet<>(ClientBlockLists.of(run.config));
        zones.addAll(USUAL_RBLS);
        return zones;
    }

    static void rbl(DoctorRun run, String zone, InetAddress address) {
        DnsResult<InetAddress> listed = run.dns.lookupDnsbl(address, zone);
        if (listed.isFound() && listed.values().stream().allMatch(DoctorBlockLists::refusalCode)) {
            // Not a listing: the list refuses queries that come through public or unregistered resolvers.
            run.advise(DoctorTexts.rblName(address, zone), false, DoctorTexts.rblRefused(listed.values()), "");
            return;
        }
        run.add(DoctorTexts.rblName(address, zone), !listed.isFound() && !listed.isTemporaryFailure(),
                listed.isFound() ? DoctorTexts.listed(listed.values()) : listed.isTemporaryFailure()
                        ? DoctorTexts.notFound(listed) : DoctorTexts.notListed(), "");
    }

    /** 127.255.255.0/24: Spamhaus' answers for a refused query (252 bad key, 254 public resolver, 255 excess). */
    private static boolean refusalCode(InetAddress code) {
        byte[] b = code.getAddress();
        return b.length == 4 && (b[0] & 0xff) == 127 && (b[1] & 0xff) == 255 && (b[2] & 0xff) == 255;
    }
}
