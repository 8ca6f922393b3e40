package org.bulwark.cli;

import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bulwark.dns.DnsResult;
import org.bulwark.dns.MxHost;
import org.bulwark.mail.MailAddress;
import org.bulwark.mailauth.DmarcRecord;
import org.bulwark.mailauth.Spf;
import org.bulwark.mailauth.SpfResult;

/** The domains' records: MX, SPF (evaluated as a receiver would) and DMARC. */
final class DoctorDomainChecks {

    private DoctorDomainChecks() {
    }

    /** The domains mail is delivered to here; tables and this host's own names have no MX of their own. */
    static Set<String> localDomains(DoctorRun run) {
        Set<String> domains = new LinkedHashSet<>();
        for (String parameter : List.of("mydestination", "virtual_mailbox_domains")) {
            for (String domain : run.config.list(parameter)) {
                String d = domain.toLowerCase(Locale.ROOT);
                if (!d.contains(":") && !d.startsWith("/") && !d.equals("localhost") && !d.startsWith("localhost.")
                        && !d.equals(run.myhostname)) {
                    domains.add(d);
                }
            }
        }
        return domains;
    }

    /** The domains this host receives mail for: the ones senders' MTA-STS and TLS-RPT apply to. */
    static Set<String> receivingDomains(DoctorRun run) {
        Set<String> domains = new LinkedHashSet<>();
        domains.add(run.mydomain);
        domains.addAll(localDomains(run));
        return domains;
    }

    static void mx(DoctorRun run, String domain) {
        DnsResult<MxHost> result = run.dns.lookupMx(domain);
        List<String> hosts = result.values().stream().map(mx -> mx.host().toLowerCase(Locale.ROOT)).toList();
        boolean here = hosts.contains(run.myhostname);
        run.add(DoctorTexts.mxName(domain), here, result.isFound() ? DoctorTexts.mxHosts(hosts) : DoctorTexts.notFound(result),
                DoctorTexts.mxRecord(domain, run.myhostname));
    }

    static void spf(DoctorRun run, List<InetAddress> addresses) {
        String record = run.txtStartingWith(run.mydomain, "v=spf1");
        if (record == null) {
            run.add(DoctorTexts.spfName(run.mydomain), false, DoctorTexts.missing(), DoctorTexts.spfRecord(run.mydomain));
            return;
        }
        Spf spf = new Spf(run.dns, run.myhostname);
        for (InetAddress address : addresses) {
            SpfResult result = spf.check(address, run.myhostname, MailAddress.of("postmaster@" + run.mydomain));
            boolean pass = result.result() == SpfResult.Result.PASS;
            run.add(DoctorTexts.spfPassName(run.mydomain, address), pass,
                    DoctorTexts.spfResult(record, result.result().keyword()), DoctorTexts.spfRecord(run.mydomain));
        }
    }

    /** RFC 7489 §6.3: the record must be one a receiver can apply, with p= none, quarantine or reject. */
    static void dmarc(DoctorRun run) {
        String name = "_dmarc." + run.mydomain;
        String record = run.txtStartingWith(name, "v=DMARC1");
        boolean valid = record != null && DmarcRecord.published(record).isPresent();
        run.add(DoctorTexts.dmarcName(name), valid, record == null ? DoctorTexts.missing() : record,
                DoctorTexts.dmarcRecord(run.mydomain));
    }
}
