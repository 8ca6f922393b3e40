package org.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.dns.DnsResolver;
import org.bulwark.mailauth.DkimAlgorithm;
import org.bulwark.mailauth.DkimKeyGenerator;
import org.bulwark.mailauth.DkimKeyRecords;
import org.bulwark.testing.OpensslCertificates;
import org.bulwark.testing.OpensslCertificates.KeyForm;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark doctor} against the loopback DNS server: a deployment whose records are all in
 * place passes every check; a broken one fails exactly the checks it should, each saying what to
 * publish. The host's address is DNS data only (192.0.2.10, RFC 5737): nothing connects to it.
 */
class DoctorTest {

    private static final String HOST_ADDRESS = "192.0.2.10";

    @TempDir
    Path root;
    private TestDnsServer dns;
    private final Map<String, String> main = new HashMap<>();
    private KeyPair dkimKey;

    @BeforeEach
    void setUp() throws Exception {
        dns = TestDnsServer.start();
        main.put("myhostname", "mail.example.test");
        main.put("mydomain", "example.test");
        main.put("mydestination", "localhost, $myhostname");
        main.put("virtual_mailbox_domains", "example.test");
        main.put("dns_servers", dns.address());
        main.put("proxy_interfaces", HOST_ADDRESS); // as behind NAT: the address is DNS data only
        main.put("queue_directory", root.resolve("spool").toString());
        org.bulwark.queue.MailQueue.open(root.resolve("spool"));
        main.put("smtpd_recipient_restrictions", "permit_mynetworks, reject_unauth_destination, "
                + "reject_rbl_client zen.blocklist.test");
        dkimKey = DkimKeyGenerator.generate(DkimAlgorithm.RSA_SHA256, 2048);
        Path key = root.resolve("dkim.pem");
        DkimKeyGenerator.writePrivateKey(key, dkimKey);
        main.put("dkim_private_key", key.toString());
        main.put("dkim_selector", "s1");
        main.put("dkim_domain", "example.test");
    }

    @AfterEach
    void tearDown() {
        dns.close();
    }

    private void tls(String certifiedName, String keyMode) throws Exception {
        tls(certifiedName, keyMode, 365);
    }

    private void tls(String certifiedName, String keyMode, int days) throws Exception {
        Path dir = Files.createDirectories(root.resolve("tls"));
        Path[] files = OpensslCertificates.make(dir, "mail", KeyForm.RSA_PKCS1, certifiedName, days);
        Files.setPosixFilePermissions(files[0], PosixFilePermissions.fromString(keyMode));
        main.put("smtpd_tls_key_file", files[0].toString());
        main.put("smtpd_tls_cert_file", files[1].toString());
    }

    private void publishDkim(String name, String record) {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < record.length(); i += 200) {
            strings.add(record.substring(i, Math.min(record.length(), i + 200)));
        }
        dns.addTxt(name, strings.toArray(String[]::new));
    }

    private List<Doctor.Check> runDoctor() {
        return runDoctor(Clock.systemUTC());
    }

    private List<Doctor.Check> runDoctor(Clock clock) {
        Config config = Config.of(main);
        return new Doctor(config, DnsResolver.create(config), clock).run();
    }

    private static void deferred(org.bulwark.queue.MailQueue queue, String reason) throws Exception {
        var envelope = org.bulwark.mail.Envelope.of(org.bulwark.mail.MailAddress.of("carol@example.test"),
                List.of(org.bulwark.mail.Recipient.of(org.bulwark.mail.MailAddress.of("dave@elsewhere.test"))),
                org.bulwark.mail.ClientInfo.local("carol"));
        try (var writer = queue.create(envelope)) {
            writer.content().write("Subject: x\n\nbody\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            writer.commit();
            var message = queue.read(org.bulwark.queue.QueueName.ACTIVE, writer.id());
            queue.defer(message, java.time.Instant.now().plusSeconds(300), reason);
        }
    }

    private static Doctor.Check check(List<Doctor.Check> checks, String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + name + " in\n" + DoctorCommand.text(checks)));
    }

    @Test
    void aWellPublishedHostPassesEveryCheck() throws Exception {
        tls("mail.example.test", "rw-------");
        dns.addA("mail.example.test", HOST_ADDRESS)
                .addPtr(HOST_ADDRESS, "mail.example.test")
                .addMx("example.test", 10, "mail.example.test")
                .addTxt("example.test", "v=spf1 ip4:" + HOST_ADDRESS + " -all")
                .addTxt("_dmarc.example.test", "v=DMARC1; p=reject; rua=mailto:dmarc@example.test")
                .addTxt("_mta-sts.example.test", "v=STSv1; id=20260101T000000")
                .addTxt("_smtp._tls.example.test", "v=TLSRPTv1; rua=mailto:tlsrpt@example.test");
        publishDkim("s1._domainkey.example.test", DkimKeyRecords.txt(dkimKey.getPublic()));

        List<Doctor.Check> checks = runDoctor();

        assertThat(checks).as(DoctorCommand.text(checks)).allMatch(Doctor.Check::ok);
        assertThat(checks).extracting(Doctor.Check::name).contains(
                "myhostname mail.example.test has an address (A/AAAA)",
                "192.0.2.10 is an address this host receives mail on",
                "the SMTP greeting (smtpd_banner) starts with myhostname",
                "PTR of 192.0.2.10 names myhostname, and that name resolves back (FCrDNS)",
                "MX of example.test points here",
                "SPF of example.test passes for 192.0.2.10",
                "DKIM record s1._domainkey.example.test matches the key on disk",
                "DMARC record _dmarc.example.test exists with a valid p=",
                "MTA-STS record _mta-sts.example.test (recommended: senders then insist on TLS)",
                "TLS-RPT record _smtp._tls.example.test (recommended: senders report TLS failures)",
                "192.0.2.10 is not listed on zen.blocklist.test",
                "192.0.2.10 is not listed on zen.spamhaus.org",
                "192.0.2.10 is not listed on bl.spamcop.net",
                "192.0.2.10 is not listed on b.barracudacentral.org",
                "TLS certificate names mail.example.test",
                "TLS certificate is valid now and for more than 30 days",
                "queue: nothing waiting longer than delay_warning_time (4h if unset)");
        assertThat(DoctorCommand.text(checks)).startsWith("✓ ").doesNotContain("✗").endsWith("checks passed\n")
                .contains("incoming 0, active 0, deferred 0, hold 0; oldest 0 min");
    }

    @Test
    void aBrokenHostFailsTheChecksThatAreBrokenAndSaysWhatToPublish() throws Exception {
        tls("other.example.test", "rw-r--r--", 20);
        main.remove("proxy_interfaces");
        main.put("smtpd_banner", "mx.example.test ESMTP");
        KeyPair rotated = DkimKeyGenerator.generate(DkimAlgorithm.RSA_SHA256, 2048);
        dns.addA("mail.example.test", HOST_ADDRESS)
                .addPtr(HOST_ADDRESS, "host-10.provider.test")
                .addMx("example.test", 10, "mx.elsewhere.test")
                .addA("10.2.0.192.zen.blocklist.test", "127.0.0.2")
                .addA("10.2.0.192.bl.spamcop.net", "127.0.0.2")
                .addTxt("_mta-sts.example.test", "v=STSv1; id=not-valid!");
        publishDkim("s1._domainkey.example.test", DkimKeyRecords.txt(rotated.getPublic()));

        List<Doctor.Check> checks = runDoctor();
        String text = DoctorCommand.text(checks);

        assertThat(checks).filteredOn(Doctor.Check::failed).extracting(Doctor.Check::name).as(text).containsExactlyInAnyOrder(
                "192.0.2.10 is an address this host receives mail on",
                "the SMTP greeting (smtpd_banner) starts with myhostname",
                "PTR of 192.0.2.10 names myhostname, and that name resolves back (FCrDNS)",
                "MX of example.test points here",
                "SPF record of example.test exists",
                "DKIM record s1._domainkey.example.test matches the key on disk",
                "DMARC record _dmarc.example.test exists with a valid p=",
                "192.0.2.10 is not listed on zen.blocklist.test",
                "192.0.2.10 is not listed on bl.spamcop.net",
                "TLS certificate names mail.example.test",
                "TLS certificate is valid now and for more than 30 days",
                "TLS key " + main.get("smtpd_tls_key_file") + " is not readable by others");
        assertThat(checks).filteredOn(c -> !c.ok() && !c.required()).extracting(Doctor.Check::name).containsExactly(
                "MTA-STS record _mta-sts.example.test (recommended: senders then insist on TLS)",
                "TLS-RPT record _smtp._tls.example.test (recommended: senders report TLS failures)");
        assertThat(text)
                .contains("✓ myhostname mail.example.test has an address (A/AAAA): 192.0.2.10")
                .contains("✗ PTR of 192.0.2.10 names myhostname, and that name resolves back (FCrDNS): "
                        + "PTR says host-10.provider.test")
                .contains("publish: 10.2.0.192.in-addr.arpa. IN PTR mail.example.test.")
                .contains("publish: example.test. IN MX 10 mail.example.test.")
                .contains("publish: example.test. IN TXT \"v=spf1 mx -all\"")
                .contains("publish: s1._domainkey.example.test. IN TXT \"v=DKIM1; k=rsa; p="
                        + DkimKeyRecords.txt(dkimKey.getPublic()).replaceFirst("^.*p=", ""))
                .contains("publish: _dmarc.example.test. IN TXT \"v=DMARC1; p=none;")
                .contains("LISTED (127.0.0.2)")
                .containsPattern("✗ TLS certificate is valid now and for more than 30 days: expires \\S+, in 1[89] days: "
                        + "renewal is not happening")
                .contains("✗ MTA-STS record _mta-sts.example.test (recommended: senders then insist on TLS): "
                        + "not a valid MTA-STS record, id= must be 1 to 32 letters and digits: v=STSv1; id=not-valid!")
                .containsPattern("publish: _mta-sts.example.test. IN TXT \"v=STSv1; id=\\d{14}\"")
                .contains("publish: _smtp._tls.example.test. IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@example.test\"")
                .contains("; behind NAT set proxy_interfaces = 192.0.2.10 in main.cf, otherwise point myhostname's A/AAAA")
                .contains("✗ the SMTP greeting (smtpd_banner) starts with myhostname: 220 mx.example.test ESMTP")
                .endsWith("12 of 16 checks failed; 2 recommended records missing (these do not fail the run)\n");
        assertThat(DoctorCommand.json(checks)).contains("{\"check\": \"MX of example.test points here\", \"ok\": false, "
                + "\"required\": true, "
                + "\"detail\": \"MX mx.elsewhere.test\", \"publish\": \"example.test. IN MX 10 mail.example.test.\"}");
    }

    @Test
    void aBlockListThatRefusesTheResolverIsAdviceNotAListing() throws Exception {
        tls("mail.example.test", "rw-------");
        dns.addA("mail.example.test", HOST_ADDRESS).addA("10.2.0.192.zen.spamhaus.org", "127.255.255.254");

        Doctor.Check spamhaus = check(runDoctor(), "192.0.2.10 is not listed on zen.spamhaus.org");

        assertThat(spamhaus.ok()).isFalse();
        assertThat(spamhaus.required()).isFalse();
        assertThat(spamhaus.detail()).startsWith("could not check: the list refused the query (127.255.255.254)")
                .contains("dns_servers");
    }

    @Test
    void anExpiredCertificateIsReportedAsExpired() throws Exception {
        tls("mail.example.test", "rw-------", 30);
        dns.addA("mail.example.test", HOST_ADDRESS);

        List<Doctor.Check> checks = runDoctor(Clock.offset(Clock.systemUTC(), java.time.Duration.ofDays(60)));
        Doctor.Check expiry = check(checks, "TLS certificate is valid now and for more than 30 days");

        assertThat(expiry.failed()).isTrue();
        assertThat(expiry.detail()).startsWith("EXPIRED ").contains("certbot renew");
    }

    @Test
    void queueHealthGroupsDeferredMailByReasonAndFailsWhenMailWaitsTooLong() throws Exception {
        tls("mail.example.test", "rw-------");
        dns.addA("mail.example.test", HOST_ADDRESS);
        org.bulwark.queue.MailQueue queue = org.bulwark.queue.MailQueue.open(root.resolve("spool"));
        deferred(queue, "connect to mx.down.test[192.0.2.50]:25: Connection refused");
        deferred(queue, "connect to mx.down.test[192.0.2.50]:25: Connection refused");
        deferred(queue, "host mx.grey.test[192.0.2.51] said: 450 4.2.0 greylisted");

        Doctor.Check now = check(runDoctor(), DoctorTexts.queueName());
        Doctor.Check later = check(runDoctor(Clock.offset(Clock.systemUTC(), java.time.Duration.ofHours(5))),
                DoctorTexts.queueName());

        assertThat(now.ok()).as(now.detail()).isTrue();
        assertThat(now.detail()).startsWith("incoming 0, active 0, deferred 3, hold 0; oldest ")
                .endsWith("deferred because: 2 x connect to mx.down.test[192.0.2.50]:25: Connection refused; "
                        + "1 x host mx.grey.test[192.0.2.51] said: 450 4.2.0 greylisted");
        assertThat(later.failed()).isTrue();
        assertThat(later.detail()).containsPattern("oldest 3\\d\\d min");
    }
}
