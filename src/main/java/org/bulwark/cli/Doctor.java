package org.bulwark.cli;

import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import org.bulwark.config.Config;
import org.bulwark.config.ServiceEntry;
import org.bulwark.dns.DnsResolver;

/**
 * {@code bulwark doctor}: the deployment as a receiving provider sees it, one check at a time.
 * Each failed check says what to fix and, where a DNS record is missing, the record to publish.
 * The checks live by family (host, domain records, DKIM, MTA-STS/TLS-RPT, block lists, TLS, relay,
 * queue); this class runs them in the order the checklist shows them.
 */
final class Doctor {

    /**
     * One line of the checklist; {@code publish} is the zone-file record to add, or "". A check that
     * is not {@code required} is advice (MTA-STS, TLS-RPT): shown, but it does not fail the run. A
     * check that was not {@code checked} could not be made from this host: its detail says why.
     */
    record Check(String name, boolean ok, String detail, String publish, boolean required, boolean checked) {

        Check(String name, boolean ok, String detail, String publish) {
            this(name, ok, detail, publish, true, true);
        }

        Check(String name, boolean ok, String detail, String publish, boolean required) {
            this(name, ok, detail, publish, required, true);
        }

        /** Whether this check makes the run fail. */
        boolean failed() {
            return checked && !ok && required;
        }
    }

    private final DoctorRun run;
    private final List<ServiceEntry> services;
    private final List<InetAddress> probeSources;

    /** Without master.cf's services: no open-relay self-test. */
    Doctor(Config config, DnsResolver dns, Clock clock) {
        this(config, List.of(), List.of(), dns, clock);
    }

    /**
     * @param probeSources the addresses the open-relay probe may connect from, in order of
     *                     preference; it uses the first that mynetworks does not match
     */
    Doctor(Config config, List<ServiceEntry> services, List<InetAddress> probeSources, DnsResolver dns, Clock clock) {
        this(config, services, probeSources, dns, clock, 443);
    }

    /** @param httpsPort where MTA-STS policies are fetched: 443 but in tests */
    Doctor(Config config, List<ServiceEntry> services, List<InetAddress> probeSources, DnsResolver dns, Clock clock,
           int httpsPort) {
        this.run = new DoctorRun(config, dns, clock, httpsPort);
        this.services = services;
        this.probeSources = probeSources;
    }

    List<Check> run() {
        List<InetAddress> addresses = DoctorHostChecks.hostAddresses(run);
        for (InetAddress address : addresses) {
            DoctorHostChecks.listensOn(run, address);
            DoctorHostChecks.reverseName(run, address);
        }
        DoctorHostChecks.banner(run);
        for (String domain : DoctorDomainChecks.localDomains(run)) {
            DoctorDomainChecks.mx(run, domain);
        }
        DoctorDomainChecks.spf(run, addresses);
        DoctorDkimCheck.dkim(run);
        DoctorDomainChecks.dmarc(run);
        for (String domain : DoctorDomainChecks.receivingDomains(run)) {
            DoctorTransportRecords.mtaSts(run, domain);
            DoctorTransportRecords.tlsRpt(run, domain);
        }
        for (String zone : DoctorBlockLists.zones(run)) {
            for (InetAddress address : addresses) {
                DoctorBlockLists.rbl(run, zone, address);
            }
        }
        DoctorTlsChecks.tls(run);
        DoctorRelayCheck.listener(run.config, services)
                .ifPresent(listener -> DoctorRelayCheck.relay(run, listener, probeSources));
        DoctorQueueCheck.queue(run);
        return run.checks();
    }
}
