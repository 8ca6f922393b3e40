package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bulwark.cli.Bulwark;
import org.bulwark.testing.FakeSmtpServer;
import org.bulwark.testing.MtaStsPolicyServer;
import org.bulwark.testing.Peers;
import org.bulwark.testing.TestCa;
import org.bulwark.testing.TestCertificates;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SMTP TLS Reporting (RFC 8460) through the whole server: mail leaves over STARTTLS to scripted
 * remote MX hosts on loopback, under DANE with TLSA records from a signed test zone, under a
 * {@code secure} policy-map entry and under an MTA-STS policy from a loopback policy host; {@code bulwark tlsrpt report --now} builds one report per domain
 * that publishes {@code _smtp._tls}, the queue delivers the mailed ones to a Maildir and an https:
 * destination receives a POST. Python's email, gzip and json modules read the reports back, so the
 * test checks what an independent reader sees.
 */
class TlsRptTest {

    @TempDir
    Path dir;

    private TestDnsServer dns;
    private MailSystemFixture mail;
    private FakeSmtpServer remote;
    private HttpsServer https;
    private final List<Posted> posts = new CopyOnWriteArrayList<>();
    private final TestCertificates certificate = TestCertificates.selfSigned("mx.remote.test");

    private record Posted(String path, String contentType, byte[] body) {
    }

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        dns.sign("remote.test").addMx("remote.test", 10, "mx.remote.test").addA("mx.remote.test", "127.0.0.1");
        dns.sign("bad.test").addMx("bad.test", 10, "mx.bad.test").addA("mx.bad.test", "127.0.0.1");
        dns.addMx("strict.test", 10, "mx.strict.test").addA("mx.strict.test", "127.0.0.1");
        remote = FakeSmtpServer.start(FakeSmtpServer.options().starttls(certificate.serverContext()));
        dns.addTlsa("_" + remote.port() + "._tcp.mx.remote.test", 3, 1, 1, spkiSha256(false));
        dns.addTlsa("_" + remote.port() + "._tcp.mx.bad.test", 3, 1, 1, spkiSha256(true));
        Path policies = dir.resolve("tls_policy");
        Files.writeString(policies, "strict.test secure\n");
        mail = new MailSystemFixture(dir.resolve("sender"))
                .set("dns_servers", dns.address())
                .set("smtp_tcp_port", String.valueOf(remote.port()))
                .set("smtp_dns_support_level", "dnssec")
                .set("smtp_tls_security_level", "dane")
                .set("smtp_tls_policy_maps", "texthash:" + policies);
        Files.writeString(mail.conf.resolve("vmailbox"), """
                alice@example.test    example.test/alice/
                tlsrpt@example.test   example.test/tlsrpt/
                """);
    }

    @AfterEach
    void stop() throws Exception {
        mail.close();
        remote.close();
        dns.close();
        if (https != null) {
            https.stop(0);
        }
    }

    private byte[] spkiSha256(boolean wrong) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.certificate().getPublicKey().getEncoded());
        if (wrong) {
            digest[0] ^= 1;
        }
        return digest;
    }

    private void send(String recipient) throws Exception {
        send("alice@example.test", recipient);
    }

    private void send(String sender, String recipient) throws Exception {
        try (SmtpDialogue c = new SmtpDialogue(mail.port(), "127.0.0.1")) {
            assertThat(c.reply()).startsWith("220");
            assertThat(c.command("EHLO client.example.test")).startsWith("250");
            assertThat(c.command("MAIL FROM:<" + sender + ">")).startsWith("250");
            assertThat(c.command("RCPT TO:<" + recipient + ">")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            assertThat(c.command("Subject: tls\r\n\r\nHello.\r\n.")).startsWith("250");
            c.command("QUIT");
        }
    }

    /** {@code bulwark -c conf tlsrpt report ARGS}, in this process; its exit code and output. */
    private MailSystemFixture.ProcessResult report(String... args) {
        StringWriter out = new StringWriter();
        var cl = Bulwark.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        List<String> all = new ArrayList<>(List.of("-c", mail.conf.toString(), "tlsrpt", "report"));
        all.addAll(List.of(args));
        int code = cl.execute(all.toArray(String[]::new));
        return new MailSystemFixture.ProcessResult(code, out.toString());
    }

    private Path history() {
        return mail.var.resolve("lib/tlsrpt.history");
    }

    /**
     * A report message as Python's email package reads it: its headers, the report part's type and
     * file name, and the gunzipped JSON flattened to {@code json.policies.0.summary.x = value} lines.
     */
    private static Map<String, String> readMail(Path file) throws Exception {
        return python("""
                import email, email.policy, gzip, json, sys
                msg = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
                out = {}
                for h in ('Subject', 'From', 'TLS-Report-Domain', 'TLS-Report-Submitter'):
                    out['header.' + h] = str(msg[h])
                out['content-type'] = msg.get_content_type()
                out['report-type'] = msg.get_param('report-type')
                parts = [p for p in msg.iter_parts() if p.get_content_type() == 'application/tlsrpt+gzip']
                out['report-parts'] = len(parts)
                out['filename'] = parts[0].get_filename()
                report = json.loads(gzip.decompress(parts[0].get_payload(decode=True)))
                """ + FLATTEN, file.toString());
    }

    private static Map<String, String> readJson(byte[] gzipped) throws Exception {
        Path file = Files.createTempFile("tlsrpt", ".json.gz");
        try {
            Files.write(file, gzipped);
            return python("""
                    import gzip, json, sys
                    out = {}
                    report = json.loads(gzip.decompress(open(sys.argv[1], 'rb').read()))
                    """ + FLATTEN, file.toString());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static final String FLATTEN = """
            def flatten(prefix, value):
                if isinstance(value, dict):
                    for k, v in value.items():
                        flatten(prefix + '.' + k, v)
                elif isinstance(value, list):
                    out[prefix + '.length'] = len(value)
                    for i, v in enumerate(value):
                        flatten(prefix + '.' + str(i), v)
                else:
                    out[prefix] = value
            flatten('json', report)
            for k, v in out.items():
                print(k + '=' + str(v))
            """;

    private static Map<String, String> python(String script, String argument) throws Exception {
        Process p = new ProcessBuilder(Peers.python3(), "-c", script, argument).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : output.lines().toList()) {
            int eq = line.indexOf('=');
            values.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return values;
    }

    /** The index of the policies[] entry of this type in a flattened report. */
    private static String policy(Map<String, String> report, String type) {
        for (int i = 0; i < Integer.parseInt(report.get("json.policies.length")); i++) {
            if (type.equals(report.get("json.policies." + i + ".policy.policy-type"))) {
                return "json.policies." + i;
            }
        }
        throw new AssertionError("no " + type + " policy in " + report);
    }

    @Test
    void successesAndFailuresArriveAsOneReportPerDomainThroughTheQueue() throws Exception {
        dns.addTxt("_smtp._tls.remote.test", "v=TLSRPTv1; rua=mailto:tlsrpt@example.test");
        dns.addTxt("_smtp._tls.bad.test", "v=TLSRPTv1;rua=mailto:tlsrpt@example.test");
        dns.addTxt("_smtp._tls.strict.test", "v=TLSRPTv1; rua=mailto:tlsrpt@example.test");
        // Each message its own connection: a reused one has no handshake and, as in Postfix, no report.
        mail.set("smtp_tlsrpt_enable", "yes").set("smtp_connection_cache_on_demand", "no").start();

        send("bob@remote.test");
        mail.awaitLog("TLSRPT: status=success, domain=remote.test, receiving_mx=mx.remote.test[127.0.0.1]");
        remote.awaitMessages(1);
        send("bob@remote.test");
        remote.awaitMessages(2);
        send("carol@bad.test");
        mail.awaitLog("TLSRPT: status=failure, domain=bad.test, receiving_mx=mx.bad.test[127.0.0.1],"
                + " failure_type=certificate_not_trusted");
        send("dave@strict.test");
        mail.awaitLog("TLSRPT: status=failure, domain=strict.test, receiving_mx=mx.strict.test[127.0.0.1],"
                + " failure_type=certificate_not_trusted");
        assertThat(mail.awaitLog("to=<carol@bad.test>")).contains("status=deferred (Server certificate not verified)");
        assertThat(Files.getPosixFilePermissions(history())).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");

        var run = report("--now");
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("for remote.test:").contains("for bad.test: 1 sessions")
                .contains("queued to tlsrpt@example.test");

        Map<String, Map<String, String>> byDomain = new LinkedHashMap<>();
        for (Path file : mail.awaitDelivered("tlsrpt", 3)) {
            Map<String, String> m = readMail(file);
            byDomain.put(m.get("header.TLS-Report-Domain"), m);
        }
        assertThat(byDomain).containsOnlyKeys("remote.test", "bad.test", "strict.test");

        Map<String, String> good = byDomain.get("remote.test");
        assertThat(good).containsEntry("content-type", "multipart/report").containsEntry("report-type", "tlsrpt")
                .containsEntry("report-parts", "1")
                .containsEntry("header.TLS-Report-Submitter", "example.test")
                .containsEntry("header.From", "postmaster@example.test")
                .containsEntry("json.organization-name", "example.test")
                .containsEntry("json.contact-info", "postmaster@example.test")
                .containsEntry("json.policies.length", "1");
        assertThat(good.get("header.Subject")).matches("Report Domain: remote\\.test Submitter: example\\.test Report-ID: <.+>");
        assertThat(good.get("filename")).matches("example\\.test!remote\\.test![0-9]+![0-9]+![0-9a-f]+\\.json\\.gz");
        assertThat(good.get("json.report-id")).isNotBlank();
        assertThat(good.get("json.date-range.start-datetime")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(good.get("json.date-range.end-datetime")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        String tlsa = policy(good, "tlsa");
        assertThat(good).containsEntry(tlsa + ".policy.policy-domain", "mx.remote.test")
                .containsEntry(tlsa + ".policy.policy-string.length", "1")
                .containsEntry(tlsa + ".summary.total-successful-session-count", "2")
                .containsEntry(tlsa + ".summary.total-failure-session-count", "0")
                .doesNotContainKey(tlsa + ".failure-details.length");
        assertThat(good.get(tlsa + ".policy.policy-string.0")).isEqualTo("3 1 1 "
                + java.util.HexFormat.of().formatHex(spkiSha256(false)));

        Map<String, String> bad = byDomain.get("bad.test");
        String badTlsa = policy(bad, "tlsa");
        assertThat(bad).containsEntry(badTlsa + ".summary.total-successful-session-count", "0")
                .containsEntry(badTlsa + ".summary.total-failure-session-count", "1")
                .containsEntry(badTlsa + ".failure-details.length", "1")
                .containsEntry(badTlsa + ".failure-details.0.result-type", "certificate-not-trusted")
                .containsEntry(badTlsa + ".failure-details.0.receiving-mx-hostname", "mx.bad.test")
                .containsEntry(badTlsa + ".failure-details.0.receiving-ip", "127.0.0.1")
                .containsEntry(badTlsa + ".failure-details.0.sending-mta-ip", "127.0.0.1")
                .containsEntry(badTlsa + ".failure-details.0.failed-session-count", "1");

        Map<String, String> strict = byDomain.get("strict.test");
        String none = policy(strict, "no-policy-found");
        assertThat(strict).containsEntry(none + ".policy.policy-domain", "strict.test")
                .containsEntry(none + ".summary.total-failure-session-count", "1")
                .containsEntry(none + ".failure-details.0.result-type", "certificate-not-trusted");

        // The reported sessions left the history: a second run has nothing to send.
        assertThat(Files.readString(history())).isEmpty();
        assertThat(report("--now").output()).contains("no sessions to report");
    }

    @Test
    void anHttpsDestinationReceivesThePostOverVerifiedTls() throws Exception {
        TestCa ca = TestCa.create("Test Reports CA");
        https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(ca.issue("reports.example.test").serverContext()));
        https.createContext("/v1/tlsrpt", exchange -> {
            posts.add(new Posted(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        https.start();
        dns.addA("reports.example.test", "127.0.0.1");
        dns.addTxt("_smtp._tls.remote.test", "v=TLSRPTv1; rua=https://reports.example.test:"
                + https.getAddress().getPort() + "/v1/tlsrpt");
        Path caFile = new TestCertificates(ca.certificate(), null).writePem(dir.resolve("ca.pem"));
        mail.set("smtp_tlsrpt_enable", "yes").set("smtp_tls_CAfile", caFile.toString()).start();

        send("bob@remote.test");
        mail.awaitLog("TLSRPT: status=success, domain=remote.test");

        var dry = report("--now", "--dry-run");
        assertThat(dry.output()).contains("would go to https://reports.example.test:")
                .contains("\"total-successful-session-count\": 1");
        assertThat(posts).isEmpty();

        var run = report("--now");
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("posted to https://reports.example.test:").contains("(HTTP 201)");
        assertThat(posts).hasSize(1);
        assertThat(posts.getFirst().contentType()).isEqualTo("application/tlsrpt+gzip");
        Map<String, String> report = readJson(posts.getFirst().body());
        String tlsa = policy(report, "tlsa");
        assertThat(report).containsEntry(tlsa + ".summary.total-successful-session-count", "1")
                .containsEntry(tlsa + ".policy.policy-domain", "mx.remote.test");
        assertThat(mail.delivered("tlsrpt")).isEmpty();
    }

    @Test
    void anHttpsDestinationWithAnUntrustedCertificateGetsNothingAndTheSessionsWait() throws Exception {
        TestCa stranger = TestCa.create("Someone Else");
        https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(stranger.issue("reports.example.test").serverContext()));
        https.createContext("/", exchange -> {
            posts.add(new Posted(exchange.getRequestURI().getPath(), "", exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        https.start();
        dns.addA("reports.example.test", "127.0.0.1");
        dns.addTxt("_smtp._tls.remote.test", "v=TLSRPTv1; rua=https://reports.example.test:" + https.getAddress().getPort() + "/");
        Path caFile = new TestCertificates(TestCa.create("Ours").certificate(), null).writePem(dir.resolve("ca.pem"));
        mail.set("smtp_tlsrpt_enable", "yes").set("smtp_tls_CAfile", caFile.toString()).start();

        send("bob@remote.test");
        mail.awaitLog("TLSRPT: status=success, domain=remote.test");
        var run = report("--now");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains("cannot post to https://reports.example.test:")
                .contains("no destination took the report; the sessions are kept for the next run");
        assertThat(posts).isEmpty();
        assertThat(report("--now", "--dry-run").output()).contains("1 sessions, would go to");
    }

    @Test
    void nothingIsRecordedByDefault() throws Exception {
        dns.addTxt("_smtp._tls.remote.test", "v=TLSRPTv1; rua=mailto:tlsrpt@example.test");
        mail.start();

        send("bob@remote.test");
        remote.awaitMessages(1);
        mail.awaitLog("status=sent");

        assertThat(history()).doesNotExist();
        assertThat(mail.maillog()).doesNotContain("TLSRPT:");
        var run = report("--now");
        assertThat(run.output()).contains("smtp_tlsrpt_enable = no").contains("no sessions to report");
        assertThat(mail.delivered("tlsrpt")).isEmpty();
    }

    @Test
    void daneOnlyReportsAServerWithoutValidatedTlsaRecordsAsDaneRequired() throws Exception {
        dns.addMx("plain.test", 10, "mx.plain.test").addA("mx.plain.test", "127.0.0.1")
                .addTxt("_smtp._tls.plain.test", "v=TLSRPTv1; rua=mailto:tlsrpt@example.test");
        mail.set("smtp_tlsrpt_enable", "yes").set("smtp_tls_security_level", "dane-only").start();

        send("erin@plain.test");
        mail.awaitLog("TLSRPT: status=failure, domain=plain.test, receiving_mx=mx.plain.test[127.0.0.1],"
                + " failure_type=dane_required");
        assertThat(remote.connections()).isZero();

        var dry = report("--now", "--dry-run");
        assertThat(dry.output()).contains("\"result-type\": \"dane-required\"")
                .contains("\"policy-type\": \"no-policy-found\"")
                .contains("\"receiving-mx-hostname\": \"mx.plain.test\"")
                .contains("\"total-failure-session-count\": 1");
    }

    @Test
    void theServerSendsReportsOncePerInterval() throws Exception {
        dns.addTxt("_smtp._tls.remote.test", "v=TLSRPTv1; rua=mailto:tlsrpt@example.test");
        mail.set("smtp_tlsrpt_enable", "yes").set("smtp_tlsrpt_interval", "2s").start();

        send("bob@remote.test");
        mail.awaitLog("TLSRPT: status=success, domain=remote.test");

        Map<String, String> report = readMail(mail.awaitDelivered("tlsrpt", 1).getFirst());
        assertThat(report).containsEntry("header.TLS-Report-Domain", "remote.test")
                .containsEntry(policy(report, "tlsa") + ".summary.total-successful-session-count", "1");
        assertThat(mail.maillog()).contains("/tlsrpt[").contains("queued to tlsrpt@example.test");
    }

    @Test
    void theSessionsThatCarryReportsAreNotReportedAgain() throws Exception {
        dns.addTxt("_smtp._tls.remote.test", "v=TLSRPTv1; rua=mailto:tlsrpt@example.test");
        mail.set("smtp_tlsrpt_enable", "yes").set("smtp_tlsrpt_email", "tlsrpt-reports@example.test")
                .set("smtp_connection_cache_on_demand", "no").start();

        send("tlsrpt-reports@example.test", "tlsrpt@remote.test");
        remote.awaitMessages(1);
        send("alice@example.test", "bob@remote.test");
        remote.awaitMessages(2);
        mail.awaitLog("TLSRPT: status=success, domain=remote.test");

        assertThat(Files.readAllLines(history())).hasSize(1);
        assertThat(mail.maillog().split("TLSRPT: status=", -1)).hasSize(2);
    }

    @Test
    void aServerWithoutStarttlsAtLevelEncryptIsStarttlsNotSupported() throws Exception {
        try (FakeSmtpServer plain = FakeSmtpServer.start(FakeSmtpServer.options())) {
            dns.addMx("plain.test", 10, "mx.plain.test").addA("mx.plain.test", "127.0.0.1")
                    .addTxt("_smtp._tls.plain.test", "v=TLSRPTv1; rua=mailto:tlsrpt@example.test");
            mail.set("smtp_tlsrpt_enable", "yes").set("smtp_tls_security_level", "encrypt")
                    .set("smtp_tcp_port", String.valueOf(plain.port())).start();

            send("erin@plain.test");
            mail.awaitLog("TLSRPT: status=failure, domain=plain.test, receiving_mx=mx.plain.test[127.0.0.1],"
                    + " failure_type=starttls_not_supported");
            assertThat(plain.messages()).isEmpty();

            var dry = report("--now", "--dry-run");
            assertThat(dry.output()).contains("\"result-type\": \"starttls-not-supported\"")
                    .contains("\"policy-type\": \"no-policy-found\"")
                    .contains("\"policy-domain\": \"plain.test\"");
        }
    }

    @Test
    void aTrustedCertificateForAnotherNameAtVerifyIsCertificateHostMismatch() throws Exception {
        TestCa ca = TestCa.create("Remote CA");
        try (FakeSmtpServer misnamed = FakeSmtpServer.start(
                FakeSmtpServer.options().starttls(ca.issue("somewhere-else.test").serverContext()))) {
            dns.addMx("named.test", 10, "mx.named.test").addA("mx.named.test", "127.0.0.1")
                    .addTxt("_smtp._tls.named.test", "v=TLSRPTv1; rua=mailto:tlsrpt@example.test");
            Path caFile = new TestCertificates(ca.certificate(), null).writePem(dir.resolve("remote-ca.pem"));
            mail.set("smtp_tlsrpt_enable", "yes").set("smtp_tls_security_level", "verify")
                    .set("smtp_tls_CAfile", caFile.toString())
                    .set("smtp_tcp_port", String.valueOf(misnamed.port())).start();

            send("frank@named.test");
            mail.awaitLog("TLSRPT: status=failure, domain=named.test, receiving_mx=mx.named.test[127.0.0.1],"
                    + " failure_type=certificate_host_mismatch");
            assertThat(misnamed.messages()).isEmpty();
        }
    }

    @Test
    void anMtaStsPolicyThatCannotBeFetchedIsReportedAsAnStsFetchError() throws Exception {
        TestCa ca = TestCa.create("Test Web CA");
        Path caFile = new TestCertificates(ca.certificate(), null).writePem(dir.resolve("web-ca.pem"));
        try (MtaStsPolicyServer policyHost = MtaStsPolicyServer.start(ca.issue("mta-sts.sts.test").serverContext())) {
            policyHost.status(404);
            dns.addMx("sts.test", 10, "mx.sts.test").addA("mx.sts.test", "127.0.0.1")
                    .addTxt("_mta-sts.sts.test", "v=STSv1; id=20261207T000000;")
                    .addA("mta-sts.sts.test", "127.0.0.1")
                    .addTxt("_smtp._tls.sts.test", "v=TLSRPTv1; rua=mailto:tlsrpt@example.test");
            mail.set("smtp_tlsrpt_enable", "yes").set("smtp_tls_CAfile", caFile.toString())
                    .set("smtp_mta_sts_https_port", String.valueOf(policyHost.port())).start();

            send("hugo@sts.test");
            // Without a policy the mail goes as if the domain had none: opportunistic TLS, a session of no policy.
            remote.awaitMessages(1);
            mail.awaitLog("TLSRPT: status=failure, domain=sts.test, failure_type=sts_policy_fetch_error");
            mail.awaitLog("TLSRPT: status=success, domain=sts.test, receiving_mx=mx.sts.test[127.0.0.1]");

            var dry = report("--now", "--dry-run");
            assertThat(dry.output()).contains("\"policy-type\": \"sts\"")
                    .contains("\"result-type\": \"sts-policy-fetch-error\"")
                    .contains("\"policy-type\": \"no-policy-found\"");
        }
    }

    @Test
    void anMtaStsEnforceFailureIsReportedAgainstTheStsPolicy() throws Exception {
        // An unsigned domain: DANE finds nothing, so its MTA-STS policy holds the session.
        TestCa ca = TestCa.create("Test Web CA");
        Path caFile = new TestCertificates(ca.certificate(), null).writePem(dir.resolve("web-ca.pem"));
        try (MtaStsPolicyServer policyHost = MtaStsPolicyServer.start(ca.issue("mta-sts.sts.test").serverContext())) {
            policyHost.policy("version: STSv1\nmode: enforce\nmx: mx.sts.test\nmax_age: 86400\n");
            dns.addMx("sts.test", 10, "mx.sts.test").addA("mx.sts.test", "127.0.0.1")
                    .addTxt("_mta-sts.sts.test", "v=STSv1; id=20261207T000000;")
                    .addA("mta-sts.sts.test", "127.0.0.1")
                    .addTxt("_smtp._tls.sts.test", "v=TLSRPTv1; rua=mailto:tlsrpt@example.test");
            // The MX's certificate is self-signed: not valid for the policy, which trusts the web CA alone.
            mail.set("smtp_tlsrpt_enable", "yes").set("smtp_tls_CAfile", caFile.toString())
                    .set("smtp_mta_sts_https_port", String.valueOf(policyHost.port())).start();

            send("gina@sts.test");
            mail.awaitLog("TLSRPT: status=failure, domain=sts.test, receiving_mx=mx.sts.test[127.0.0.1],"
                    + " failure_type=certificate_not_trusted");
            assertThat(mail.awaitLog("to=<gina@sts.test>")).contains("status=deferred (MTA-STS policy for sts.test: "
                    + "Server certificate not trusted");
            assertThat(remote.messages()).isEmpty();
            assertThat(policyHost.requests()).containsExactly("mta-sts.sts.test");

            var run = report("--now");
            assertThat(run.exitCode()).as(run.output()).isZero();
            Map<String, String> report = readMail(mail.awaitDelivered("tlsrpt", 1).getFirst());
            assertThat(report).containsEntry("header.TLS-Report-Domain", "sts.test")
                    .containsEntry("json.policies.length", "1");
            String sts = policy(report, "sts");
            assertThat(report).containsEntry(sts + ".policy.policy-domain", "sts.test")
                    .containsEntry(sts + ".policy.policy-string.length", "4")
                    .containsEntry(sts + ".policy.policy-string.0", "version: STSv1")
                    .containsEntry(sts + ".policy.policy-string.1", "mode: enforce")
                    .containsEntry(sts + ".policy.policy-string.2", "mx: mx.sts.test")
                    .containsEntry(sts + ".policy.policy-string.3", "max_age: 86400")
                    .containsEntry(sts + ".policy.mx-host.length", "1")
                    .containsEntry(sts + ".policy.mx-host.0", "mx.sts.test")
                    .containsEntry(sts + ".summary.total-successful-session-count", "0")
                    .containsEntry(sts + ".summary.total-failure-session-count", "1")
                    .containsEntry(sts + ".failure-details.0.result-type", "certificate-not-trusted")
                    .containsEntry(sts + ".failure-details.0.receiving-mx-hostname", "mx.sts.test")
                    .containsEntry(sts + ".failure-details.0.receiving-ip", "127.0.0.1");
        }
    }
}
