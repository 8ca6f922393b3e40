package org.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.net.InetSocketAddress;
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
import org.bulwark.testing.TestCa;
import org.bulwark.testing.TestCertificates;
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
    /** Where the test's MTA-STS policy server listens, instead of port 443. */
    private int httpsPort = 443;
    private HttpsServer policyServer;

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
        if (policyServer != null) {
            policyServer.stop(0);
        }
    }

    /**
     * Serves {@code https://mta-sts.example.test/.well-known/mta-sts.txt} on a loopback port with a
     * certificate of a test CA that smtp_tls_CAfile names; the handler answers with status, type and body.
     */
    private void servePolicy(int status, String contentType, String body, String location) throws Exception {
        TestCa ca = TestCa.create("Doctor Test CA");
        policyServer = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        policyServer.setHttpsConfigurator(new HttpsConfigurator(ca.issue("mta-sts.example.test").serverContext()));
        policyServer.createContext("/.well-known/mta-sts.txt", exchange -> {
            byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (contentType != null) {
                exchange.getResponseHeaders().set("Content-Type", contentType);
            }
            if (location != null) {
                exchange.getResponseHeaders().set("Location", location);
            }
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        policyServer.start();
        httpsPort = policyServer.getAddress().getPort();
        dns.addA("mta-sts.example.test", "127.0.0.1");
        main.put("smtp_tls_CAfile", new TestCertificates(ca.certificate(), null).writePem(root.resolve("ca.pem")).toString());
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
        return new Doctor(config, List.of(), List.of(), DnsResolver.create(config), clock, httpsPort).run();
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
        servePolicy(200, "text/plain; charset=utf-8", "version: STSv1\r\nmode: enforce\r\nmx: mail.example.test\r\n"
                + "max_age: 604800\r\n", null);

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
                "MTA-STS policy https://mta-sts.example.test/.well-known/mta-sts.txt (recommended: fetched as a sender"
                        + " does, over HTTPS with a valid certificate)",
                "MTA-STS policy's mx: patterns match every MX host of example.test",
                "MTA-STS policy mode is enforce",
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
                "MTA-STS policy https://mta-sts.example.test/.well-known/mta-sts.txt (recommended: fetched as a sender"
                        + " does, over HTTPS with a valid certificate)",
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
                .endsWith("12 of 16 checks failed; 3 recommended records missing (these do not fail the run)\n");
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

    private static final String POLICY_CHECK = "MTA-STS policy https://mta-sts.example.test/.well-known/mta-sts.txt"
            + " (recommended: fetched as a sender does, over HTTPS with a valid certificate)";

    @Test
    void aPolicyInTestingModeThatMissesAnMxHostIsAdvisedWithTheFileToServe() throws Exception {
        dns.addMx("example.test", 10, "mail.example.test").addMx("example.test", 20, "backup.example.test")
                .addTxt("_mta-sts.example.test", "v=STSv1; id=1");
        servePolicy(200, "text/plain", "version: STSv1\nmode: testing\nmx: mail.example.test\nmax_age: 86400\n", null);

        List<Doctor.Check> checks = runDoctor();
        String text = DoctorCommand.text(checks);

        assertThat(check(checks, POLICY_CHECK).ok()).as(text).isTrue();
        assertThat(check(checks, POLICY_CHECK).detail()).isEqualTo("mode: testing, max_age: 86400, mx: mail.example.test");
        Doctor.Check mx = check(checks, "MTA-STS policy's mx: patterns match every MX host of example.test");
        assertThat(mx.ok()).isFalse();
        assertThat(mx.required()).isFalse();
        assertThat(mx.detail()).startsWith("no mx: pattern matches backup.example.test");
        Doctor.Check mode = check(checks, "MTA-STS policy mode is enforce");
        assertThat(mode.ok()).isFalse();
        assertThat(mode.detail()).startsWith("mode: testing: senders report failures (TLS-RPT)");
        assertThat(text).contains("""
                    publish: https://mta-sts.example.test/.well-known/mta-sts.txt as text/plain, with a certificate for its host name:
                             version: STSv1
                             mode: enforce
                             mx: mail.example.test
                             mx: backup.example.test
                             max_age: 604800
                             and then, with a new id= whenever the policy changes: _mta-sts.example.test. IN TXT "v=STSv1; id=\
                """);
    }

    @Test
    void aRedirectedPolicyIsNotFollowed() throws Exception {
        dns.addTxt("_mta-sts.example.test", "v=STSv1; id=20261207");
        servePolicy(301, null, "", "https://www.example.test/mta-sts.txt");

        Doctor.Check policy = check(runDoctor(), POLICY_CHECK);

        assertThat(policy.ok()).isFalse();
        assertThat(policy.detail()).isEqualTo("HTTP 301 redirect to https://www.example.test/mta-sts.txt: senders do not"
                + " follow redirects (RFC 8461 section 3.3); serve the file itself");
        assertThat(policy.publish()).contains("version: STSv1\nmode: enforce\nmx: mail.example.test\n");
    }

    @Test
    void aPolicyWhoseCertificateNoSenderTrustsIsNotTaken() throws Exception {
        dns.addTxt("_mta-sts.example.test", "v=STSv1; id=20261207");
        servePolicy(200, "text/plain", "version: STSv1\nmode: enforce\nmx: mail.example.test\nmax_age: 86400\n", null);
        main.remove("smtp_tls_CAfile"); // the JDK's CAs, as a sender on the internet has them

        Doctor.Check policy = check(runDoctor(), POLICY_CHECK);

        assertThat(policy.ok()).isFalse();
        assertThat(policy.detail()).startsWith("cannot fetch it: ");
    }

    @Test
    void aPolicyTheSmtpClientWouldRefuseIsNotValid() throws Exception {
        dns.addTxt("_mta-sts.example.test", "v=STSv1; id=20261207");
        // A repeated mode: senders refuse the whole policy, so the doctor must not pass it.
        servePolicy(200, "text/plain", "version: STSv1\nmode: enforce\nmode: testing\nmx: mail.example.test\n"
                + "max_age: 86400\n", null);

        Doctor.Check policy = check(runDoctor(), POLICY_CHECK);

        assertThat(policy.ok()).isFalse();
        assertThat(policy.detail()).isEqualTo("not a valid policy (RFC 8461 section 3.2): "
                + "field \"mode\" appears more than once");
        assertThat(policy.publish()).contains("version: STSv1\nmode: enforce\nmx: mail.example.test\n");
    }

    @Test
    void twoTlsRptRecordsAreAsGoodAsNone() {
        dns.addTxt("_smtp._tls.example.test", "v=TLSRPTv1; rua=mailto:a@example.test")
                .addTxt("_smtp._tls.example.test", "v=TLSRPTv1; rua=https://reports.example.test/v1");

        Doctor.Check tlsRpt = check(runDoctor(),
                "TLS-RPT record _smtp._tls.example.test (recommended: senders report TLS failures)");

        assertThat(tlsRpt.ok()).isFalse();
        assertThat(tlsRpt.detail()).isEqualTo("2 v=TLSRPTv1 records: with more than one, senders ignore them all"
                + " (RFC 8460 section 3); keep one");
        assertThat(tlsRpt.publish()).isEqualTo("_smtp._tls.example.test. IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@example.test\"");
    }
}
