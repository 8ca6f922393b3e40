package org.bulwark.cli;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bulwark.dns.DnsResult;

/** What {@code bulwark doctor} says, worded once: check names, findings and the records to publish. */
final class DoctorTexts {

    private DoctorTexts() {
    }

    static String hostAddressName(String host) {
        return "myhostname " + host + " has an address (A/AAAA)";
    }

    static String listensName(InetAddress address) {
        return address.getHostAddress() + " is an address this host receives mail on";
    }

    /** {@code missing}: the DNS address this host does not have, or null when it has it. */
    static String listening(java.util.Collection<InetAddress> addresses, InetAddress missing) {
        String listens = "this host listens on " + (addresses.isEmpty() ? "no address it could list"
                : addresses(List.copyOf(addresses)));
        return missing == null ? listens : listens + "; behind NAT set proxy_interfaces = " + missing.getHostAddress()
                + " in main.cf, otherwise point myhostname's A/AAAA record at this host";
    }

    static String bannerName() {
        return "the SMTP greeting (smtpd_banner) starts with myhostname";
    }

    static String ptrName(InetAddress address) {
        return "PTR of " + address.getHostAddress() + " names myhostname, and that name resolves back (FCrDNS)";
    }

    static String mxName(String domain) {
        return "MX of " + domain + " points here";
    }

    static String spfName(String domain) {
        return "SPF record of " + domain + " exists";
    }

    static String spfPassName(String domain, InetAddress address) {
        return "SPF of " + domain + " passes for " + address.getHostAddress();
    }

    static String dkimName(String name) {
        return "DKIM record " + name + " matches the key on disk";
    }

    static String dmarcName(String name) {
        return "DMARC record " + name + " exists with a valid p=";
    }

    static String rblName(InetAddress address, String zone) {
        return address.getHostAddress() + " is not listed on " + zone;
    }

    static String relayName(int port, String client) {
        return "not an open relay: " + client + " may not send through port " + port + " to others";
    }

    static String outsideClient() {
        return "a client outside mynetworks";
    }

    static String relayReply(String recipient, String reply) {
        return "RCPT TO:<" + recipient + "> answered " + reply;
    }

    static String relayUnreachable(java.net.InetSocketAddress server, String reason) {
        return "could not talk to the server at " + server.getAddress().getHostAddress() + " port " + server.getPort()
                + " (is it running?): " + reason;
    }

    /** Said instead of a result when the probe could only come from inside mynetworks, which may relay. */
    static String relayNotChecked(List<InetAddress> inside, String host, int port, String recipient) {
        return "not checked: every address this host can connect from is in mynetworks ("
                + (inside.isEmpty() ? "none reaches the listener"
                        : String.join(", ", inside.stream().map(org.bulwark.util.IpAddresses::format).toList()))
                + "); check from outside with swaks --server " + host + ":" + port + " --to " + recipient
                + " --quit-after RCPT, which must be refused";
    }

    static String tlsName() {
        return "TLS certificate";
    }

    static String certNameName(String host) {
        return "TLS certificate names " + host;
    }

    static String certExpiryName() {
        return "TLS certificate is valid now and for more than " + DoctorTlsChecks.EXPIRY_WARNING.toDays() + " days";
    }

    static String keyModeName(String keyFile) {
        return "TLS key " + keyFile + " is not readable by others";
    }

    static String mtaStsName(String name) {
        return "MTA-STS record " + name + " (recommended: senders then insist on TLS)";
    }

    static String tlsRptName(String name) {
        return "TLS-RPT record " + name + " (recommended: senders report TLS failures)";
    }

    static String mtaStsMissing(String domain) {
        return "no record; publish it together with the policy at https://mta-sts." + domain
                + "/.well-known/mta-sts.txt (RFC 8461 §3.2)";
    }

    static String mtaStsInvalid(String record) {
        return "not a valid MTA-STS record, id= must be 1 to 32 letters and digits: " + record;
    }

    static String tlsRptInvalid(String record) {
        return "not a valid TLS-RPT record, rua= must list mailto: or https: addresses: " + record;
    }

    static String mtaStsRecord(String domain, Instant now) {
        String id = java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
                .withZone(java.time.ZoneOffset.UTC).format(now);
        return "_mta-sts." + domain + ". IN TXT \"v=STSv1; id=" + id + "\"";
    }

    static String mtaStsPolicyName(String url) {
        return "MTA-STS policy " + url + " (recommended: fetched as a sender does, over HTTPS with a valid certificate)";
    }

    static String mtaStsPolicyNotFetched() {
        return "not fetched: senders look for the policy only once the _mta-sts record exists; publish the policy"
                + " first, then the record";
    }

    /** The policy file to serve, on lines of its own (RFC 8461 §3.2). */
    static String mtaStsPolicy(String url, List<String> mxHosts, long maxAge, String record) {
        StringBuilder b = new StringBuilder(url + " as text/plain, with a certificate for its host name:\n");
        b.append("version: STSv1\nmode: enforce\n");
        mxHosts.forEach(h -> b.append("mx: ").append(h).append('\n'));
        return b.append("max_age: ").append(maxAge).append("\nand then, with a new id= whenever the policy changes: ")
                .append(record).toString();
    }

    static String mtaStsPolicyInvalid(List<String> problems) {
        return "not a valid policy (RFC 8461 section 3.2): " + String.join("; ", problems);
    }

    static String mtaStsPolicySummary(String mode, long maxAge, List<String> mx) {
        return "mode: " + mode + ", max_age: " + maxAge + ", mx: " + String.join(", ", mx);
    }

    static String mtaStsMxName(String domain) {
        return "MTA-STS policy's mx: patterns match every MX host of " + domain;
    }

    static String mxHostsList(List<String> hosts) {
        return "MX " + String.join(", ", hosts);
    }

    static String mtaStsMxUnmatched(List<String> hosts) {
        return "no mx: pattern matches " + String.join(", ", hosts)
                + ": under mode enforce, senders would refuse to deliver there";
    }

    static String mtaStsModeName() {
        return "MTA-STS policy mode is enforce";
    }

    static String mtaStsMode(String mode) {
        return switch (mode) {
            case "enforce" -> "mode: enforce";
            case "testing" -> "mode: testing: senders report failures (TLS-RPT) but still deliver without TLS;"
                    + " switch to enforce once the reports are clean";
            default -> "mode: " + mode + ": senders ignore the policy";
        };
    }

    static String fetchFailed(String problem) {
        return "cannot fetch it: " + problem;
    }

    static String redirected(int status, String location) {
        return "HTTP " + status + " redirect to " + (location.isEmpty() ? "nowhere" : location)
                + ": senders do not follow redirects (RFC 8461 section 3.3); serve the file itself";
    }

    static String httpStatus(int status) {
        return "HTTP " + status + ": senders need 200 OK";
    }

    static String notTextPlain(String contentType) {
        return "served as " + (contentType.isEmpty() ? "no Content-Type" : contentType)
                + ": the policy must be text/plain (RFC 8461 section 3.2)";
    }

    static String tlsRptTooMany(String why) {
        return why + ": with more than one, senders ignore them all (RFC 8460 section 3); keep one";
    }

    static String tlsRptRecord(String domain) {
        return "_smtp._tls." + domain + ". IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@" + domain + "\"";
    }

    static String rblRefused(List<InetAddress> codes) {
        return "could not check: the list refused the query (" + addresses(codes)
                + "); it does not answer public resolvers: set dns_servers to a resolver of your own";
    }

    static String queueName() {
        return "queue: nothing waiting longer than delay_warning_time (4h if unset)";
    }

    static String notFound(DnsResult<?> result) {
        return switch (result) {
            case DnsResult.NotFound<?> n -> n.absence() == DnsResult.Absence.NXDOMAIN ? "no such name" : "no record";
            case DnsResult.TemporaryFailure<?> t -> "DNS failure: " + t.reason();
            case DnsResult.Found<?> f -> "found";
        };
    }

    static String addresses(List<InetAddress> addresses) {
        return String.join(", ", addresses.stream().map(InetAddress::getHostAddress).toList());
    }

    static String ptrMismatch(List<String> names, String host) {
        return "PTR says " + String.join(", ", names) + ", not a forward-confirmed " + host;
    }

    static String mxHosts(List<String> hosts) {
        return "MX " + String.join(", ", hosts);
    }

    static String missing() {
        return "no record";
    }

    static String spfResult(String record, String result) {
        return result + " (" + record + ")";
    }

    static String unreadableKey(String file, String reason) {
        return "cannot read the key " + file + ": " + reason;
    }

    static String dkimMatches() {
        return "p= matches";
    }

    static String dkimDiffers() {
        return "the published p= is not this key's: publish the new one or sign with the old";
    }

    static String listed(List<InetAddress> codes) {
        return "LISTED (" + addresses(codes) + ")";
    }

    static String notListed() {
        return "not listed";
    }

    static String noCertificate() {
        return "smtpd_tls_cert_file is not set: senders cannot encrypt";
    }

    static String unreadableCertificate(String file, String reason) {
        return "cannot read " + file + ": " + reason;
    }

    static String validity(Instant notBefore, Instant notAfter, Instant now) {
        if (notBefore.isAfter(now)) {
            return "not valid before " + notBefore;
        }
        if (!notAfter.isAfter(now)) {
            return "EXPIRED " + notAfter + ": renew it (certbot renew) and run bulwark reload";
        }
        if (!notAfter.isAfter(now.plus(DoctorTlsChecks.EXPIRY_WARNING))) {
            return "expires " + notAfter + ", in " + Duration.between(now, notAfter).toDays()
                    + " days: renewal is not happening (check certbot's timer)";
        }
        return "expires " + notAfter;
    }

    static String queue(String sizes, Duration oldest, java.util.Map<String, Integer> deferReasons) {
        StringBuilder b = new StringBuilder(sizes).append("; oldest ").append(oldest.toMinutes()).append(" min");
        if (!deferReasons.isEmpty()) {
            b.append("; deferred because:");
            deferReasons.entrySet().stream()
                    .sorted(java.util.Map.Entry.<String, Integer>comparingByValue().reversed())
                    .forEach(e -> b.append(" ").append(e.getValue()).append(" x ").append(e.getKey()).append(';'));
            b.setLength(b.length() - 1);
        }
        return b.toString();
    }

    static String noReason() {
        return "(no reason recorded)";
    }

    static String noQueueYet(java.nio.file.Path directory) {
        return directory + " does not exist yet (the first start makes it)";
    }

    static String aRecord(String host) {
        return host + ". IN A <this host's public address>";
    }

    static String ptrRecord(InetAddress address, String host) {
        String reverse = reverseName(address);
        return reverse + " IN PTR " + host + ".   ; set by whoever owns the address (your provider)";
    }

    private static String reverseName(InetAddress address) {
        return org.xbill.DNS.ReverseMap.fromAddress(address).toString();
    }

    static String mxRecord(String domain, String host) {
        return domain + ". IN MX 10 " + host + ".";
    }

    static String spfRecord(String domain) {
        return domain + ". IN TXT \"v=spf1 mx -all\"";
    }

    static String dmarcRecord(String domain) {
        return "_dmarc." + domain + ". IN TXT \"v=DMARC1; p=none; rua=mailto:postmaster@" + domain + "\"";
    }

    static String resolver(String servers, String source) {
        return "resolver: " + servers + " (" + source + ")";
    }

    /** Said so, not done quietly: a block list may refuse a public resolver, and tests must not use it. */
    static String systemResolver(List<String> servers) {
        return "resolver: the system's (" + (servers.isEmpty() ? "none configured" : String.join(", ", servers))
                + "); name another with --dns-server or dns_servers";
    }

    static String notAnAddress(String option, String text) {
        return option + ": \"" + text + "\" is not an IP address";
    }
}
