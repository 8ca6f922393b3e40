package org.bulwark.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bulwark.config.Config;
import org.bulwark.config.SecretFiles;
import org.bulwark.config.ServiceEntry;
import org.bulwark.dns.DnsResolver;
import org.bulwark.dns.DnsResult;
import org.bulwark.dns.MxHost;
import org.bulwark.mail.MailAddress;
import org.bulwark.mailauth.DkimKeyFiles;
import org.bulwark.mailauth.DkimKeyRecords;
import org.bulwark.mailauth.Spf;
import org.bulwark.mailauth.SpfResult;
import org.bulwark.queue.MailQueue;
import org.bulwark.queue.QueueName;

/**
 * {@code bulwark doctor}: the deployment as a receiving provider sees it, one check at a time.
 * Each failed check says what to fix and, where a DNS record is missing, the record to publish.
 */
final class Doctor {

    /**
     * Certificates closer than this to expiry are reported: Let's Encrypt renews at 30 days left, so
     * a certificate inside the window means renewal is not happening.
     */
    static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    /**
     * Block lists that receiving providers commonly consult, checked even when the configuration
     * names none: a listing there costs delivery whatever this server itself uses.
     */
    static final List<String> USUAL_RBLS = List.of("zen.spamhaus.org", "bl.spamcop.net", "b.barracudacentral.org");

    /**
     * One line of the checklist; {@code publish} is the zone-file record to add, or "". A check that
     * is not {@code required} is advice (MTA-STS, TLS-RPT): shown, but it does not fail the run.
     */
    record Check(String name, boolean ok, String detail, String publish, boolean required) {

        Check(String name, boolean ok, String detail, String publish) {
            this(name, ok, detail, publish, true);
        }

        /** Whether this check makes the run fail. */
        boolean failed() {
            return !ok && required;
        }
    }

    private final Config config;
    private final DnsResolver dns;
    private final Clock clock;
    private final String myhostname;
    private final String mydomain;
    private final List<Check> checks = new ArrayList<>();
    private final List<ServiceEntry> services;

    /** Without master.cf's services: no open-relay self-test. */
    Doctor(Config config, DnsResolver dns, Clock clock) {
        this(config, List.of(), dns, clock);
    }

    Doctor(Config config, List<ServiceEntry> services, DnsResolver dns, Clock clock) {
        this.config = config;
        this.services = services;
        this.dns = dns;
        this.clock = clock;
        this.myhostname = config.get("myhostname").toLowerCase(Locale.ROOT);
        this.mydomain = config.get("mydomain").toLowerCase(Locale.ROOT);
    }

    List<Check> run() {
        List<InetAddress> addresses = hostAddresses();
        for (InetAddress address : addresses) {
            listensOn(address);
            reverseName(address);
        }
        banner();
        for (String domain : localDomains()) {
            mx(domain);
        }
        spf(addresses);
        dkim();
        dmarc();
        for (String domain : receivingDomains()) {
            mtaSts(domain);
            tlsRpt(domain);
        }
        for (String zone : rblZones()) {
            for (InetAddress address : addresses) {
                rbl(zone, address);
            }
        }
        tls();
        RelayProbe.target(services).ifPresent(this::relay);
        queue();
        return List.copyOf(checks);
    }

    private void add(String name, boolean ok, String detail, String publish) {
        checks.add(new Check(name, ok, detail, ok ? "" : publish));
    }

    private void advise(String name, boolean ok, String detail, String publish) {
        checks.add(new Check(name, ok, detail, ok ? "" : publish, false));
    }

    private List<InetAddress> hostAddresses() {
        DnsResult<InetAddress> result = dns.lookupAddresses(myhostname);
        List<InetAddress> addresses = result.values();
        add(DoctorTexts.hostAddressName(myhostname), !addresses.isEmpty(),
                addresses.isEmpty() ? DoctorTexts.notFound(result) : DoctorTexts.addresses(addresses),
                DoctorTexts.aRecord(myhostname));
        return addresses;
    }

    /**
     * Mail for myhostname arrives at its DNS address: that address must be one this host listens on,
     * its own (with inet_interfaces = all, any local address) or, behind NAT, one in proxy_interfaces.
     */
    private void listensOn(InetAddress address) {
        Set<InetAddress> listening = new LinkedHashSet<>();
        List<String> interfaces = config.list("inet_interfaces");
        if (interfaces.contains("all")) {
            listening.addAll(localAddresses());
        } else {
            interfaces.forEach(name -> listening.addAll(literal(name)));
        }
        config.list("proxy_interfaces").forEach(name -> listening.addAll(literal(name)));
        boolean ours = listening.contains(address);
        add(DoctorTexts.listensName(address), ours, DoctorTexts.listening(listening, ours ? null : address), "");
    }

    private static Set<InetAddress> localAddresses() {
        Set<InetAddress> addresses = new LinkedHashSet<>();
        try {
            java.net.NetworkInterface.networkInterfaces()
                    .forEach(n -> n.inetAddresses().forEach(addresses::add));
        } catch (java.net.SocketException e) {
            // No interface list: every address counts as not ours, and the check says which ones it saw.
        }
        return addresses;
    }

    /** An address written in inet_interfaces or proxy_interfaces; names are not resolved (no DNS here). */
    private static List<InetAddress> literal(String text) {
        String address = text.replaceAll("^\\[|\\]$", "");
        if (!address.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return List.of();
        }
        try {
            return List.of(InetAddress.getByName(address));
        } catch (java.net.UnknownHostException e) {
            return List.of();
        }
    }

    /** RFC 5321 §4.3.1: the greeting starts with the server's name; receivers compare it with the PTR. */
    private void banner() {
        String banner = config.get("smtpd_banner");
        String first = banner.strip().split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        add(DoctorTexts.bannerName(), first.equals(myhostname), "220 " + banner, "");
    }

    private void reverseName(InetAddress address) {
        DnsResult<String> ptr = dns.reverseNames(address);
        boolean confirmed = dns.verifyName(address).values().stream().anyMatch(myhostname::equalsIgnoreCase);
        add(DoctorTexts.ptrName(address), confirmed,
                confirmed ? myhostname : ptr.isFound() ? DoctorTexts.ptrMismatch(ptr.values(), myhostname)
                        : DoctorTexts.notFound(ptr),
                DoctorTexts.ptrRecord(address, myhostname));
    }

    private Set<String> localDomains() {
        Set<String> domains = new LinkedHashSet<>();
        for (String parameter : List.of("mydestination", "virtual_mailbox_domains")) {
            for (String domain : config.list(parameter)) {
                String d = domain.toLowerCase(Locale.ROOT);
                // Tables and the names that are this host itself have no MX of their own to check.
                if (!d.contains(":") && !d.startsWith("/") && !d.equals("localhost") && !d.startsWith("localhost.")
                        && !d.equals(myhostname)) {
                    domains.add(d);
                }
            }
        }
        return domains;
    }

    private void mx(String domain) {
        DnsResult<MxHost> result = dns.lookupMx(domain);
        List<String> hosts = result.values().stream().map(mx -> mx.host().toLowerCase(Locale.ROOT)).toList();
        boolean here = hosts.contains(myhostname);
        add(DoctorTexts.mxName(domain), here, result.isFound() ? DoctorTexts.mxHosts(hosts) : DoctorTexts.notFound(result),
                DoctorTexts.mxRecord(domain, myhostname));
    }

    private void spf(List<InetAddress> addresses) {
        String record = txtStartingWith(mydomain, "v=spf1");
        if (record == null) {
            add(DoctorTexts.spfName(mydomain), false, DoctorTexts.missing(), DoctorTexts.spfRecord(mydomain));
            return;
        }
        Spf spf = new Spf(dns, myhostname);
        for (InetAddress address : addresses) {
            SpfResult result = spf.check(address, myhostname, MailAddress.of("postmaster@" + mydomain));
            boolean pass = result.result() == SpfResult.Result.PASS;
            add(DoctorTexts.spfPassName(mydomain, address), pass, DoctorTexts.spfResult(record, result.result().keyword()),
                    DoctorTexts.spfRecord(mydomain));
        }
    }

    private void dkim() {
        String keyFile = config.get("dkim_private_key");
        if (keyFile.isBlank()) {
            return;
        }
        String domain = config.get("dkim_domain");
        String selector = config.get("dkim_selector");
        String name = selector + "._domainkey." + domain;
        String expected;
        String publish;
        try {
            PrivateKey key = DkimKeyFiles.read(Path.of(keyFile));
            expected = publicKeyTag(key);
            publish = name + ". IN TXT \"" + expectedRecord(key, expected) + "\"";
        } catch (IOException | java.security.GeneralSecurityException e) {
            add(DoctorTexts.dkimName(name), false, DoctorTexts.unreadableKey(keyFile, e.getMessage()), "");
            return;
        }
        String record = txtStartingWith(name, "v=DKIM1");
        String published = record == null ? null : tag(record, "p");
        boolean matches = expected.equals(published);
        add(DoctorTexts.dkimName(name), matches,
                record == null ? DoctorTexts.missing() : matches ? DoctorTexts.dkimMatches() : DoctorTexts.dkimDiffers(),
                publish);
    }

    /** The p= value of the key's public half (RFC 6376 §3.6.1; RFC 8463 §4 for Ed25519). */
    private static String publicKeyTag(PrivateKey key) throws IOException, java.security.GeneralSecurityException {
        if (key instanceof RSAPrivateCrtKey rsa) {
            var spec = new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent());
            return tag(DkimKeyRecords.txt(KeyFactory.getInstance("RSA").generatePublic(spec)), "p");
        }
        if (PrivateKeyFactory.createKey(key.getEncoded()) instanceof Ed25519PrivateKeyParameters ed) {
            return Base64.getEncoder().encodeToString(ed.generatePublicKey().getEncoded());
        }
        throw new java.security.InvalidKeyException(key.getAlgorithm() + " keys do not sign DKIM");
    }

    private static String expectedRecord(PrivateKey key, String p) {
        return "v=DKIM1; k=" + (key instanceof RSAPrivateCrtKey ? "rsa" : "ed25519") + "; p=" + p;
    }

    private void dmarc() {
        String name = "_dmarc." + mydomain;
        String record = txtStartingWith(name, "v=DMARC1");
        String policy = record == null ? null : tag(record, "p");
        boolean valid = policy != null && Set.of("none", "quarantine", "reject").contains(policy.toLowerCase(Locale.ROOT));
        add(DoctorTexts.dmarcName(name), valid, record == null ? DoctorTexts.missing() : record,
                DoctorTexts.dmarcRecord(mydomain));
    }

    private Set<String> rblZones() {
        Set<String> zones = new LinkedHashSet<>();
        for (String parameter : List.of("smtpd_client_restrictions", "smtpd_helo_restrictions",
                "smtpd_sender_restrictions", "smtpd_relay_restrictions", "smtpd_recipient_restrictions",
                "postscreen_dnsbl_sites")) {
            List<String> words = config.list(parameter);
            for (int i = 0; i < words.size(); i++) {
                if (parameter.equals("postscreen_dnsbl_sites")) {
                    zones.add(words.get(i).replaceAll("[*=].*$", ""));
                } else if (words.get(i).equals("reject_rbl_client") && i + 1 < words.size()) {
                    zones.add(words.get(i + 1).replaceAll("=.*$", ""));
                }
            }
        }
        zones.addAll(USUAL_RBLS);
        return zones;
    }

    private void rbl(String zone, InetAddress address) {
        DnsResult<InetAddress> listed = dns.lookupDnsbl(address, zone);
        if (listed.isFound() && listed.values().stream().allMatch(Doctor::refusalCode)) {
            // Not a listing: the list refuses queries that come through public or unregistered resolvers.
            advise(DoctorTexts.rblName(address, zone), false, DoctorTexts.rblRefused(listed.values()), "");
            return;
        }
        add(DoctorTexts.rblName(address, zone), !listed.isFound() && !listed.isTemporaryFailure(),
                listed.isFound() ? DoctorTexts.listed(listed.values()) : listed.isTemporaryFailure()
                        ? DoctorTexts.notFound(listed) : DoctorTexts.notListed(), "");
    }

    /** 127.255.255.0/24: Spamhaus' answers for a refused query (252 bad key, 254 public resolver, 255 excess). */
    private static boolean refusalCode(InetAddress code) {
        byte[] b = code.getAddress();
        return b.length == 4 && (b[0] & 0xff) == 127 && (b[1] & 0xff) == 255 && (b[2] & 0xff) == 255;
    }

    /** The domains this host receives mail for: the ones senders' MTA-STS and TLS-RPT apply to. */
    private Set<String> receivingDomains() {
        Set<String> domains = new LinkedHashSet<>();
        domains.add(mydomain);
        domains.addAll(localDomains());
        return domains;
    }

    /** RFC 8461 §3.1: {@code v=STSv1; id=} with 1 to 32 letters and digits. */
    private void mtaSts(String domain) {
        String name = "_mta-sts." + domain;
        String record = txtStartingWith(name, "v=STSv1");
        String id = record == null ? null : tag(record, "id");
        boolean valid = id != null && id.matches("[A-Za-z0-9]{1,32}");
        advise(DoctorTexts.mtaStsName(name), valid,
                record == null ? DoctorTexts.mtaStsMissing(domain) : valid ? record : DoctorTexts.mtaStsInvalid(record),
                DoctorTexts.mtaStsRecord(domain, clock.instant()));
    }

    /** RFC 8460 §3: {@code v=TLSRPTv1; rua=} with mailto: or https: addresses. */
    private void tlsRpt(String domain) {
        String name = "_smtp._tls." + domain;
        String record = txtStartingWith(name, "v=TLSRPTv1");
        String rua = record == null ? null : tag(record, "rua");
        boolean valid = rua != null && java.util.Arrays.stream(rua.split(","))
                .allMatch(uri -> uri.startsWith("mailto:") || uri.startsWith("https:"));
        advise(DoctorTexts.tlsRptName(name), valid,
                record == null ? DoctorTexts.missing() : valid ? record : DoctorTexts.tlsRptInvalid(record),
                DoctorTexts.tlsRptRecord(domain));
    }

    private void relay(java.net.InetSocketAddress server) {
        String name = DoctorTexts.relayName(server, RelayProbe.SOURCE);
        try {
            String reply = RelayProbe.probe(server, myhostname);
            add(name, !reply.startsWith("2"), DoctorTexts.relayReply(RelayProbe.RECIPIENT, reply), "");
        } catch (IOException e) {
            add(name, false, DoctorTexts.relayUnreachable(e.getMessage()), "");
        }
    }

    private void tls() {
        String certFile = config.get("smtpd_tls_cert_file");
        if (certFile.isBlank()) {
            add(DoctorTexts.tlsName(), false, DoctorTexts.noCertificate(), "");
            return;
        }
        try (InputStream in = Files.newInputStream(Path.of(certFile))) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            Set<String> names = certificateNames(cert);
            boolean named = names.stream().anyMatch(n -> matchesHost(n, myhostname));
            add(DoctorTexts.certNameName(myhostname), named, String.join(", ", names), "");
            Instant notBefore = cert.getNotBefore().toInstant();
            Instant notAfter = cert.getNotAfter().toInstant();
            Instant now = clock.instant();
            boolean fresh = notAfter.isAfter(now.plus(EXPIRY_WARNING)) && !notBefore.isAfter(now);
            add(DoctorTexts.certExpiryName(), fresh, DoctorTexts.validity(notBefore, notAfter, now), "");
        } catch (IOException | java.security.GeneralSecurityException e) {
            add(DoctorTexts.tlsName(), false, DoctorTexts.unreadableCertificate(certFile, e.getMessage()), "");
        }
        String keyFile = config.get("smtpd_tls_key_file");
        if (!keyFile.isBlank()) {
            try {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(Path.of(keyFile));
                add(DoctorTexts.keyModeName(keyFile), SecretFiles.isPrivate(permissions), java.nio.file.attribute.PosixFilePermissions
                        .toString(permissions), "");
            } catch (IOException | UnsupportedOperationException e) {
                add(DoctorTexts.keyModeName(keyFile), false, e.getMessage(), "");
            }
        }
    }

    private static Set<String> certificateNames(X509Certificate cert) throws java.security.cert.CertificateParsingException {
        Set<String> names = new LinkedHashSet<>();
        if (cert.getSubjectAlternativeNames() != null) {
            for (List<?> san : cert.getSubjectAlternativeNames()) {
                if (Integer.valueOf(2).equals(san.get(0))) { // dNSName, RFC 5280 §4.2.1.6
                    names.add(san.get(1).toString().toLowerCase(Locale.ROOT));
                }
            }
        }
        if (names.isEmpty()) {
            String subject = cert.getSubjectX500Principal().getName();
            for (String part : subject.split(",")) {
                if (part.startsWith("CN=")) {
                    names.add(part.substring(3).toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    /** RFC 6125 §6.4.3: a wildcard stands for exactly one leftmost label. */
    private static boolean matchesHost(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot + 1).equals(pattern.substring(2));
        }
        return pattern.equals(host);
    }

    private void queue() {
        Path directory = Path.of(config.get("queue_directory"));
        if (!Files.isDirectory(directory)) {
            // Opening would create it, owned by whoever runs doctor: leave that to the first start.
            add(DoctorTexts.queueName(), true, DoctorTexts.noQueueYet(directory), "");
            return;
        }
        try {
            MailQueue queue = MailQueue.open(directory);
            Instant oldest = null;
            StringBuilder sizes = new StringBuilder();
            Map<String, Integer> reasons = new TreeMap<>();
            for (QueueName name : List.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED, QueueName.HOLD)) {
                var ids = queue.list(name);
                sizes.append(sizes.isEmpty() ? "" : ", ").append(name.directoryName()).append(' ').append(ids.size());
                for (var id : ids) {
                    Instant arrival = arrival(queue, name, id, reasons);
                    oldest = arrival != null && (oldest == null || arrival.isBefore(oldest)) ? arrival : oldest;
                }
            }
            Duration age = oldest == null ? Duration.ZERO : Duration.between(oldest, clock.instant());
            boolean healthy = age.compareTo(config.time("delay_warning_time").isZero()
                    ? Duration.ofHours(4) : config.time("delay_warning_time")) < 0;
            add(DoctorTexts.queueName(), healthy, DoctorTexts.queue(sizes.toString(), age, reasons), "");
        } catch (IOException e) {
            add(DoctorTexts.queueName(), false, e.getMessage(), "");
        }
    }

    /**
     * When a queued message arrived, counting a deferred one's reason into {@code reasons}; null for
     * a file that went away meanwhile. A file that cannot be read as a message (incoming/ holds
     * files being written) is dated by its modification time.
     */
    private static Instant arrival(MailQueue queue, QueueName name, org.bulwark.mail.QueueId id,
            Map<String, Integer> reasons) throws IOException {
        Path file = queue.path(name, id);
        if (name != QueueName.INCOMING) {
            try {
                var message = queue.read(name, id);
                if (name == QueueName.DEFERRED) {
                    String reason = message.deferReason();
                    reasons.merge(reason == null || reason.isBlank() ? DoctorTexts.noReason() : reason, 1, Integer::sum);
                }
                return message.envelope().arrival();
            } catch (java.nio.file.NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                // A corrupt file: the queue manager moves it aside; date it by the file's own time.
            }
        }
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }

    private String txtStartingWith(String name, String version) {
        for (String txt : dns.lookupTxt(name).values()) {
            if (txt.regionMatches(true, 0, version, 0, version.length())) {
                return txt;
            }
        }
        return null;
    }

    /** A tag's value in a tag=value list (RFC 6376 §3.2), whitespace removed. */
    private static String tag(String record, String name) {
        for (String part : record.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().equalsIgnoreCase(name)) {
                return part.substring(eq + 1).replaceAll("\\s", "");
            }
        }
        return null;
    }

}
