package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.bulwark.dns.DnsResolver;
import org.bulwark.mailauth.DkimAlgorithm;
import org.bulwark.mailauth.DkimKeyGenerator;
import org.bulwark.mailauth.DkimKeyRecords;
import org.bulwark.mailauth.DkimResult;
import org.bulwark.mailauth.DkimSigner;
import org.bulwark.mailauth.DkimSigningKey;
import org.bulwark.mailauth.DkimVerifier;
import org.bulwark.mailauth.MessageHeaders;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DKIM, DMARC and Authentication-Results over real SMTP: mail from mynetworks is signed and
 * python3-dkim (dkimpy, the verifier behind Debian's dkimverify) verifies it; mail from outside
 * (127.0.0.2) is checked against policies served by the test DNS server.
 */
class MailAuthenticationTest {

    /** dkimverify's own steps (dkim.DKIM(message).verify(index)), with DNS asked of the test server, not the machine's resolver. */
    private static final String DKIMVERIFY = """
            import sys, dkim, dns.resolver
            resolver = dns.resolver.Resolver(configure=False)
            resolver.nameservers = ['127.0.0.1']
            resolver.port = int(sys.argv[1])
            def txt(name, timeout=5):
                name = name.decode() if isinstance(name, bytes) else name
                answer = resolver.resolve(name, 'TXT', lifetime=timeout, tcp=True)
                return b''.join(answer[0].strings)
            d = dkim.DKIM(sys.stdin.buffer.read())
            print("signature ok" if d.verify(int(sys.argv[2]), dnsfunc=txt) else "signature verification failed")
            """;

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

    private void publish(String name, KeyPair pair) {
        String txt = DkimKeyRecords.txt(pair.getPublic());
        dns.addTxt(name, txt.replaceAll("(.{1,250})", "$1\n").split("\n"));
    }

    private static String send(int port, String client, String sender, String content) throws Exception {
        try (SmtpDialogue smtp = new SmtpDialogue(port, client)) {
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
                + "Hello Alice,\n\nthis is  a test.\n";
    }

    @Test
    void mailFromMynetworksIsSignedWithBothKeysAndDkimpyVerifiesIt() throws Exception {
        var modules = MailSystemFixture.run(List.of(Tools.python3(), "-c", "import dkim, nacl, dns.resolver"), null);
        assertThat(modules.exitCode()).as("python3-dkim is needed by this test but is not installed; run: "
                + "apt-get install python3-dkim python3-nacl python3-dnspython (.ci/run installs them)%n%s", modules.output()).isZero();
        KeyPair rsa = DkimKeyGenerator.generate(DkimAlgorithm.RSA_SHA256, 2048);
        KeyPair ed = DkimKeyGenerator.generate(DkimAlgorithm.ED25519_SHA256, 0);
        system = new MailSystemFixture(root);
        DkimKeyGenerator.writePrivateKey(system.conf.resolve("rsa.private"), rsa);
        DkimKeyGenerator.writePrivateKey(system.conf.resolve("ed.private"), ed);
        Files.writeString(system.conf.resolve("keytable"), "rsakey example.test:rsa:" + system.conf.resolve("rsa.private")
                + "\nedkey example.test:ed:" + system.conf.resolve("ed.private") + "\n");
        Files.writeString(system.conf.resolve("signingtable"), "example.test rsakey, edkey\n");
        publish("rsa._domainkey.example.test", rsa);
        publish("ed._domainkey.example.test", ed);
        system.set("dkim_key_table", "texthash:" + system.conf.resolve("keytable"))
                .set("dkim_signing_table", "texthash:" + system.conf.resolve("signingtable"))
                .set("dns_servers", dns.address())
                .start();

        assertThat(send(system.port(), "127.0.0.1", "bob@example.test", message("bob@example.test", "signed mail")))
                .startsWith("250");
        byte[] delivered = Files.readAllBytes(system.awaitDelivered("alice", 1).getFirst());
        String text = new String(delivered, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;")
                .contains("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;")
                .doesNotContain("l=");
        byte[] crlf = text.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);

        for (int index = 0; index < 2; index++) {
            var result = MailSystemFixture.run(List.of(Tools.python3(), "-c", DKIMVERIFY, Integer.toString(dns.port()),
                    Integer.toString(index)), new String(crlf, StandardCharsets.ISO_8859_1));
            assertThat(result.output()).as("signature %d", index).contains("signature ok");
        }
        List<DkimResult> ours = new DkimVerifier(DnsResolver.create(List.of(dns.address()))).verify(crlf);
        assertThat(ours).extracting(DkimResult::result).containsOnly(DkimResult.Result.PASS).hasSize(2);
    }

    private void startChecking() throws Exception {
        system = new MailSystemFixture(root)
                .set("authentication_results", "yes")
                .set("dns_servers", dns.address())
                .start();
    }

    @Test
    void dmarcRejectRefusesUnauthenticatedMailAtEndOfData() throws Exception {
        dns.addTxt("bank.example", "v=spf1 ip4:192.0.2.1 -all");
        dns.addTxt("_dmarc.bank.example", "v=DMARC1; p=reject");
        startChecking();

        String reply = send(system.port(), "127.0.0.2", "alerts@bank.example", message("alerts@bank.example", "phish"));

        assertThat(reply).startsWith("550 5.7.1 ").contains("DMARC");
        assertThat(system.awaitLog("dmarc reject")).contains("dmarc=fail");
        assertThat(system.delivered("alice")).isEmpty();
    }

    @Test
    void dmarcQuarantinePutsTheMessageInTheHoldQueue() throws Exception {
        dns.addTxt("store.example", "v=spf1 ip4:192.0.2.1 -all");
        dns.addTxt("_dmarc.store.example", "v=DMARC1; p=quarantine");
        startChecking();

        String reply = send(system.port(), "127.0.0.2", "sales@store.example", message("sales@store.example", "deal"));

        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        String queueId = reply.substring(reply.lastIndexOf(' ') + 1);
        assertThat(system.awaitLog(queueId + ": dmarc quarantine")).contains("message held");
        assertThat(system.var.resolve("spool/hold").resolve(queueId)).exists();
        assertThat(system.delivered("alice")).isEmpty();
    }

    @Test
    void dmarcNoneAcceptsAndTheHeaderSaysFail() throws Exception {
        dns.addTxt("shop.example", "v=spf1 ip4:192.0.2.1 -all");
        dns.addTxt("_dmarc.shop.example", "v=DMARC1; p=none");
        startChecking();

        String forged = "Authentication-Results: mail.example.test; dmarc=pass header.from=shop.example\n";
        assertThat(send(system.port(), "127.0.0.2", "news@shop.example", forged + message("news@shop.example", "offer")))
                .startsWith("250");

        String delivered = Files.readString(system.awaitDelivered("alice", 1).getFirst(), StandardCharsets.ISO_8859_1);
        assertThat(delivered).containsOnlyOnce("Authentication-Results:")
                .contains("spf=fail smtp.mailfrom=shop.example")
                .contains("dkim=none")
                .contains("dmarc=fail (p=none dis=none) header.from=shop.example")
                .doesNotContain("dmarc=pass");
    }

    @Test
    void signedMailFromOutsidePassesDkimAndDmarc() throws Exception {
        KeyPair key = DkimKeyGenerator.generate(DkimAlgorithm.ED25519_SHA256, 0);
        publish("mail._domainkey.friend.example", key);
        dns.addTxt("_dmarc.friend.example", "v=DMARC1; p=reject");
        startChecking();
        String plain = message("carol@friend.example", "friendly");
        DkimSigner signer = DkimSigner.withDefaults();
        String headers = plain.substring(0, plain.indexOf("\n\n") + 1);
        String body = plain.substring(plain.indexOf("\n\n") + 2);
        OutputStream hash = signer.bodyHash();
        hash.write(body.getBytes(StandardCharsets.US_ASCII));
        String signature = signer.sign(new DkimSigningKey("friend.example", "mail", DkimAlgorithm.ED25519_SHA256,
                key.getPrivate()), MessageHeaders.parse(headers), hash, System.currentTimeMillis() / 1000);

        assertThat(send(system.port(), "127.0.0.2", "carol@friend.example", signature.replace("\r\n", "\n") + "\n" + plain))
                .startsWith("250");

        String delivered = Files.readString(system.awaitDelivered("alice", 1).getFirst(), StandardCharsets.ISO_8859_1);
        assertThat(delivered).contains("Authentication-Results: mail.example.test;")
                .contains("spf=none smtp.mailfrom=friend.example")
                .containsPattern("dkim=pass header.d=friend.example header.s=mail header.b=\\S+")
                .contains("dmarc=pass (p=reject dis=none) header.from=friend.example");
    }
}
