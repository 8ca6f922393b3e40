package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.bulwark.cli.Bulwark;
import org.bulwark.mailauth.DkimAlgorithm;
import org.bulwark.mailauth.DkimKeyGenerator;
import org.bulwark.mailauth.DkimKeyRecords;
import org.bulwark.mailauth.DkimSigner;
import org.bulwark.mailauth.DkimSigningKey;
import org.bulwark.mailauth.MessageHeaders;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * DMARC aggregate reports (RFC 7489 §7.2) over real SMTP: mail from outside (127.0.0.2) is
 * checked against policies the test DNS server publishes, {@code bulwark dmarc report} (or the
 * server's timer) queues the report, the server delivers it to the rua= mailbox, and the test
 * reads the gzipped XML back with the JDK's parser.
 */
class DmarcReportTest {

    @TempDir
    Path root;

    private MailSystemFixture system;
    private TestDnsServer dns;

    @BeforeEach
    void startDns() throws Exception {
        dns = TestDnsServer.start();
    }

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
        dns.close();
    }

    private MailSystemFixture system(boolean reports) throws Exception {
        system = new MailSystemFixture(root)
                .set("authentication_results", "yes")
                .set("dns_servers", dns.address());
        if (reports) {
            system.set("dmarc_report_enable", "yes");
        }
        Files.writeString(system.conf.resolve("vmailbox"), """
                alice@example.test   example.test/alice/
                dmarc@example.test   example.test/dmarc/
                """);
        return system;
    }

    private String send(String client, String sender, String content) throws Exception {
        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), client)) {
            assertThat(smtp.reply()).startsWith("220");
            assertThat(smtp.command("EHLO client.example")).startsWith("250");
            assertThat(smtp.command("MAIL FROM:<" + sender + ">")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<alice@example.test>")).startsWith("250");
            assertThat(smtp.command("DATA")).startsWith("354");
            return smtp.command(content.replace("\n", "\r\n") + "\r\n.");
        }
    }

    private static String message(String from, String subject) {
        return "From: Sender <" + from + ">\nTo: Alice <alice@example.test>\nSubject: " + subject
                + "\nDate: Mon, 23 Nov 2026 12:00:00 +0000\nMessage-ID: <" + subject.replace(' ', '.') + "@test>\n\n"
                + "Hello Alice,\n\nthis is a test.\n";
    }

    private static String signed(KeyPair key, String domain, String selector, String plain) throws Exception {
        DkimSigner signer = DkimSigner.withDefaults();
        String headers = plain.substring(0, plain.indexOf("\n\n") + 1);
        String body = plain.substring(plain.indexOf("\n\n") + 2);
        OutputStream hash = signer.bodyHash();
        hash.write(body.getBytes(StandardCharsets.US_ASCII));
        String signature = signer.sign(new DkimSigningKey(domain, selector, DkimAlgorithm.ED25519_SHA256, key.getPrivate()),
                MessageHeaders.parse(headers), hash, System.currentTimeMillis() / 1000);
        return signature.replace("\r\n", "\n") + "\n" + plain;
    }

    private void publishKey(String name, KeyPair pair) {
        dns.addTxt(name, DkimKeyRecords.txt(pair.getPublic()));
    }

    /** {@code bulwark -c conf dmarc report ARGS}, in this process; its exit code and output. */
    private MailSystemFixture.ProcessResult report(String... args) {
        StringWriter out = new StringWriter();
        var cl = Bulwark.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        List<String> all = new ArrayList<>(List.of("-c", system.conf.toString(), "dmarc", "report"));
        all.addAll(List.of(args));
        int code = cl.execute(all.toArray(String[]::new));
        return new MailSystemFixture.ProcessResult(code, out.toString());
    }

    private Path history() {
        return system.var.resolve("lib/dmarc.history");
    }

    /** The gzipped XML attachment of a delivered report, with the message's headers. */
    private record Delivered(String message, String fileName, Document xml) {
    }

    private static Delivered readReport(Path file) throws Exception {
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        Matcher m = Pattern.compile("Content-Type: application/gzip; name=\"([^\"]+)\"\n(?:[^\n]+\n)*\n([A-Za-z0-9+/=\n]+?)\n\n--")
                .matcher(text);
        assertThat(m.find()).as("an application/gzip part in:%n%s", text).isTrue();
        byte[] gz = Base64.getMimeDecoder().decode(m.group(2));
        byte[] xml;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            xml = in.readAllBytes();
        }
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        return new Delivered(text, m.group(1), doc);
    }

    private static String text(Element parent, String path) {
        Element e = parent;
        for (String name : path.split("/")) {
            NodeList list = e.getElementsByTagName(name);
            assertThat(list.getLength()).as("<%s> in <%s>", name, e.getTagName()).isPositive();
            e = (Element) list.item(0);
        }
        return e.getTextContent().strip();
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                found.add(e);
            }
        }
        return found;
    }

    @Test
    void aReportCountsTheMessagesWithTheirDispositionsAndResults() throws Exception {
        KeyPair key = DkimKeyGenerator.generate(DkimAlgorithm.ED25519_SHA256, 0);
        publishKey("news._domainkey.lists.example.test", key);
        dns.addTxt("lists.example.test", "v=spf1 -all");
        dns.addTxt("_dmarc.lists.example.test", "v=DMARC1; p=none; sp=quarantine; adkim=s; rua=mailto:dmarc@example.test");
        system(true).start();

        for (int i = 0; i < 2; i++) {
            assertThat(send("127.0.0.2", "news@lists.example.test",
                    signed(key, "lists.example.test", "news", message("news@lists.example.test", "signed " + i)))).startsWith("250");
        }
        assertThat(send("127.0.0.2", "news@lists.example.test", message("news@lists.example.test", "forged"))).startsWith("250");
        system.awaitDelivered("alice", 3);
        assertThat(Files.readAllLines(history())).hasSize(3);

        var run = report("--now");
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("for lists.example.test: 3 messages").contains("queued to dmarc@example.test");

        Delivered report = readReport(system.awaitDelivered("dmarc", 1).getFirst());
        assertThat(report.message()).containsPattern(
                "Subject: Report Domain: lists\\.example\\.test Submitter: example\\.test Report-ID: <[^>]+>")
                .contains("From: postmaster@example.test").contains("Content-Type: multipart/mixed;");
        assertThat(report.fileName()).matches("example\\.test!lists\\.example\\.test![0-9]+![0-9]+\\.xml\\.gz");
        Element feedback = report.xml().getDocumentElement();
        assertThat(text(feedback, "report_metadata/org_name")).isEqualTo("example.test");
        assertThat(text(feedback, "report_metadata/email")).isEqualTo("postmaster@example.test");
        assertThat(text(feedback, "policy_published/domain")).isEqualTo("lists.example.test");
        assertThat(text(feedback, "policy_published/p")).isEqualTo("none");
        assertThat(text(feedback, "policy_published/sp")).isEqualTo("quarantine");
        assertThat(text(feedback, "policy_published/adkim")).isEqualTo("s");
        assertThat(text(feedback, "policy_published/aspf")).isEqualTo("r");
        assertThat(text(feedback, "policy_published/pct")).isEqualTo("100");

        List<Element> records = children(feedback, "record");
        assertThat(records).hasSize(2);
        Element passed = records.stream().filter(r -> text(r, "row/policy_evaluated/dkim").equals("pass")).findFirst().orElseThrow();
        Element failed = records.stream().filter(r -> text(r, "row/policy_evaluated/dkim").equals("fail")).findFirst().orElseThrow();
        assertThat(text(passed, "row/source_ip")).isEqualTo("127.0.0.2");
        assertThat(text(passed, "row/count")).isEqualTo("2");
        assertThat(text(passed, "row/policy_evaluated/disposition")).isEqualTo("none");
        assertThat(text(passed, "row/policy_evaluated/spf")).isEqualTo("fail");
        assertThat(text(passed, "identifiers/header_from")).isEqualTo("lists.example.test");
        assertThat(text(passed, "identifiers/envelope_from")).isEqualTo("lists.example.test");
        assertThat(text(passed, "auth_results/dkim/domain")).isEqualTo("lists.example.test");
        assertThat(text(passed, "auth_results/dkim/selector")).isEqualTo("news");
        assertThat(text(passed, "auth_results/dkim/result")).isEqualTo("pass");
        assertThat(text(passed, "auth_results/spf/result")).isEqualTo("fail");
        assertThat(text(failed, "row/count")).isEqualTo("1");
        assertThat(text(failed, "row/policy_evaluated/disposition")).isEqualTo("none");
        assertThat(text(failed, "row/policy_evaluated/spf")).isEqualTo("fail");
        assertThat(failed.getElementsByTagName("dkim").getLength()).as("no signature, no auth_results/dkim").isEqualTo(1);
        assertThat(text(failed, "auth_results/spf/domain")).isEqualTo("lists.example.test");
        assertThat(text(failed, "auth_results/spf/scope")).isEqualTo("mfrom");

        // The reported lines left the history: a second run has nothing to send.
        assertThat(Files.readString(history())).isEmpty();
        var again = report("--now");
        assertThat(again.output()).contains("no messages to report");
        // A report is in maildrop/ when the run returns; there is none, and only the first was delivered.
        assertThat(system.var.resolve("spool/maildrop")).isEmptyDirectory();
        assertThat(system.delivered("dmarc")).hasSize(1);
    }

    @Test
    void quarantineAndRejectAreReportedAsApplied() throws Exception {
        dns.addTxt("bank.example", "v=spf1 ip4:192.0.2.1 -all");
        dns.addTxt("_dmarc.bank.example", "v=DMARC1; p=reject; rua=mailto:reports@bank.example");
        system(true).set("dmarc_enforcement", "quarantine").start();

        assertThat(send("127.0.0.2", "alerts@bank.example", message("alerts@bank.example", "phish"))).startsWith("250");
        system.awaitLog("dmarc quarantine");

        var run = report("--now", "--dry-run");
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("<disposition>quarantine</disposition>")
                .contains("<type>local_policy</type>")
                .contains("<p>reject</p>")
                .contains("would go to reports@bank.example");
        // A dry run takes nothing from the history.
        assertThat(Files.readAllLines(history())).hasSize(1);
    }

    @Test
    void aDestinationOutsideThePolicyDomainMustAuthorizeReports() throws Exception {
        dns.addTxt("shop.example", "v=spf1 ip4:127.0.0.2 -all");
        dns.addTxt("_dmarc.shop.example", "v=DMARC1; p=none; rua=mailto:dmarc@example.test");
        system(true).start();

        assertThat(send("127.0.0.2", "news@shop.example", message("news@shop.example", "first"))).startsWith("250");
        system.awaitDelivered("alice", 1);
        var refused = report("--now");
        assertThat(refused.output()).contains("shop.example._report._dmarc.example.test has no v=DMARC1 record")
                .doesNotContain("queued to");

        dns.addTxt("shop.example._report._dmarc.example.test", "v=DMARC1");
        assertThat(send("127.0.0.2", "news@shop.example", message("news@shop.example", "second"))).startsWith("250");
        system.awaitDelivered("alice", 2);
        var allowed = report("--now");
        assertThat(allowed.output()).as(allowed.output()).contains("for shop.example: 1 messages").contains("queued to dmarc@example.test");

        Delivered report = readReport(system.awaitDelivered("dmarc", 1).getFirst());
        Element feedback = report.xml().getDocumentElement();
        assertThat(text(feedback, "policy_published/domain")).isEqualTo("shop.example");
        assertThat(text(feedback, "record/row/count")).isEqualTo("1");
        assertThat(text(feedback, "record/row/policy_evaluated/spf")).isEqualTo("pass");
        assertThat(text(feedback, "record/auth_results/spf/result")).isEqualTo("pass");
    }

    @Test
    void aReportLargerThanTheDestinationTakesIsNotSent() throws Exception {
        dns.addTxt("_dmarc.lists.example.test", "v=DMARC1; p=none; rua=mailto:dmarc@example.test!100");
        system(true).start();

        assertThat(send("127.0.0.2", "news@lists.example.test", message("news@lists.example.test", "big"))).startsWith("250");
        system.awaitDelivered("alice", 1);
        var run = report("--now");

        assertThat(run.output()).containsPattern("[0-9]+ bytes gzipped is more than the 100 bytes dmarc@example.test accepts")
                .doesNotContain("queued to");
    }

    @Test
    void theServerSendsReportsOncePerInterval() throws Exception {
        dns.addTxt("_dmarc.lists.example.test", "v=DMARC1; p=none; rua=mailto:dmarc@example.test");
        system(true).set("dmarc_report_interval", "2s").start();

        assertThat(send("127.0.0.2", "news@lists.example.test", message("news@lists.example.test", "timed"))).startsWith("250");

        Delivered report = readReport(system.awaitDelivered("dmarc", 1).getFirst());
        assertThat(text(report.xml().getDocumentElement(), "record/row/count")).isEqualTo("1");
        assertThat(system.maillog()).contains("/dmarc[").contains("queued to dmarc@example.test");
    }

    @Test
    void reportingIsOffByDefaultAndNeverCoversTrustedClients() throws Exception {
        dns.addTxt("_dmarc.lists.example.test", "v=DMARC1; p=none; rua=mailto:dmarc@example.test");
        system(false).start();
        assertThat(send("127.0.0.2", "news@lists.example.test", message("news@lists.example.test", "off"))).startsWith("250");
        system.awaitDelivered("alice", 1);
        assertThat(history()).doesNotExist();
        system.stop();

        system.set("dmarc_report_enable", "yes").start();
        // From mynetworks: signed, not checked, so not reported.
        assertThat(send("127.0.0.1", "news@lists.example.test", message("news@lists.example.test", "outbound"))).startsWith("250");
        system.awaitDelivered("alice", 2);
        assertThat(history()).doesNotExist();
        // Our own report address as the sender: never a report about a report.
        assertThat(send("127.0.0.2", "postmaster@example.test", message("news@lists.example.test", "loop"))).startsWith("250");
        system.awaitDelivered("alice", 3);
        assertThat(history()).doesNotExist();
        assertThat(send("127.0.0.2", "news@lists.example.test", message("news@lists.example.test", "inbound"))).startsWith("250");
        system.awaitDelivered("alice", 4);
        assertThat(Files.readAllLines(history())).hasSize(1);
        assertThat(Files.getPosixFilePermissions(history())).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    }
}
