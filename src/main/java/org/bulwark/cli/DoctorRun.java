package org.bulwark.cli;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bulwark.config.Config;
import org.bulwark.dns.DnsResolver;

/**
 * One run of {@code bulwark doctor}: what every family of checks reads (the configuration, the
 * resolver, the clock, the host's names) and the checklist their findings go into, in order.
 */
final class DoctorRun {

    final Config config;
    final DnsResolver dns;
    final Clock clock;
    final String myhostname;
    final String mydomain;
    /** The port senders fetch an MTA-STS policy from: 443, as RFC 8461 §3.3 has it. */
    final int httpsPort;
    private final List<Doctor.Check> checks = new ArrayList<>();

    DoctorRun(Config config, DnsResolver dns, Clock clock) {
        this(config, dns, clock, 443);
    }

    DoctorRun(Config config, DnsResolver dns, Clock clock, int httpsPort) {
        this.httpsPort = httpsPort;
        this.config = config;
        this.dns = dns;
        this.clock = clock;
        this.myhostname = config.get("myhostname").toLowerCase(Locale.ROOT);
        this.mydomain = config.get("mydomain").toLowerCase(Locale.ROOT);
    }

    /** A required check; {@code publish} is shown only when it failed. */
    void add(String name, boolean ok, String detail, String publish) {
        checks.add(new Doctor.Check(name, ok, detail, ok ? "" : publish));
    }

    /** A recommendation: shown, but it does not fail the run. */
    void advise(String name, boolean ok, String detail, String publish) {
        checks.add(new Doctor.Check(name, ok, detail, ok ? "" : publish, false));
    }

    /** A check this host cannot make; {@code detail} says why and how to make it elsewhere. */
    void notChecked(String name, String detail) {
        checks.add(new Doctor.Check(name, false, detail, "", true, false));
    }

    List<Doctor.Check> checks() {
        return List.copyOf(checks);
    }

    /** The first TXT record at {@code name} that starts with {@code version}, or null. */
    String txtStartingWith(String name, String version) {
        for (String txt : dns.lookupTxt(name).values()) {
            if (txt.regionMatches(true, 0, version, 0, version.length())) {
                return txt;
            }
        }
        return null;
    }
}
