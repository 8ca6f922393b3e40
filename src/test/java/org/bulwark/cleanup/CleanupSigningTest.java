package org.bulwark.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;
import org.bulwark.dns.DnsResolver;
import org.bulwark.log.MailLog;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.QueueId;
import org.bulwark.queue.MailQueue;
import org.bulwark.queue.QueueName;
import org.bulwark.mailauth.DkimAlgorithm;
import org.bulwark.mailauth.DkimKeyGenerator;
import org.bulwark.mailauth.DkimKeyRecords;
import org.bulwark.mailauth.DkimResult;
import org.bulwark.mailauth.DkimVerifier;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing in cleanup: sendmail and SASL mail of $dkim_domain is signed in its final form; mail from outside is not. */
class CleanupSigningTest {

    @TempDir
    Path dir;

    private final Map<String, String> params = new HashMap<>(Map.of(
            "myhostname", "mail.example.com",
            "myorigin", "example.com",
            "mynetworks", "127.0.0.0/8"));
    private MailQueue queue;
    private TestDnsServer dns;

    @BeforeEach
    void key() throws Exception {
        KeyPair pair = DkimKeyGenerator.generate(DkimAlgorithm.ED25519_SHA256, 0);
        DkimKeyGenerator.writePrivateKey(dir.resolve("mail.private"), pair);
        params.put("dkim_private_key", dir.resolve("mail.private").toString());
        params.put("dkim_domain", "example.com");
        params.put("dkim_selector", "mail");
        dns = TestDnsServer.start();
        dns.addTxt("mail._domainkey.example.com", DkimKeyRecords.txt(pair.getPublic()));
        queue = MailQueue.open(dir.resolve("queue"));
    }

    private String pass(Envelope envelope, String content) throws Exception {
        MailLog log = MailLog.to(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "mail.example.com", "postfix");
        Cleanup cleanup = new Cleanup(Config.of(params), queue, log, a -> a.isLoopbackAddress());
        QueueId id;
        try (CleanupSession inflight = cleanup.open(envelope)) {
            inflight.content().write(content.getBytes(StandardCharsets.UTF_8));
            id = inflight.commit();
        }
        try (InputStream in = queue.read(QueueName.ACTIVE, id).openContent()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @AfterEach
    void stopDns() {
        dns.close();
    }

    private List<DkimResult> verify(String stored) {
        return new DkimVerifier(DnsResolver.create(List.of(dns.address())))
                .verify(stored.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void sendmailMailIsSignedAfterCleanupAddsItsHeaders() throws Exception {
        String stored = pass(CleanupTest.envelope(ClientInfo.local("carol"), "rcpt@example.org"),
                "From: carol@example.com\nSubject: local\n\nHi.\n\n\n");

        assertThat(stored).contains("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\n d=example.com; s=mail;")
                .containsPattern("h=from :\\s+subject :\\s+message-id :\\s+date :\\s+from;");
        assertThat(verify(stored)).extracting(DkimResult::result).containsExactly(DkimResult.Result.PASS);
    }

    @Test
    void authenticatedMailWithoutBodyIsSigned() throws Exception {
        String stored = pass(CleanupTest.envelope(CleanupTest.insider(), "rcpt@example.org"), "From: Carol <carol@mail.example.com>\r\nSubject: x\r\n");

        assertThat(verify(stored)).extracting(DkimResult::result).containsExactly(DkimResult.Result.PASS);
    }

    @Test
    void mailOfOtherDomainsAndFromOutsideIsNotSigned() throws Exception {
        assertThat(pass(CleanupTest.envelope(CleanupTest.insider(), "rcpt@example.org"), "From: x@example.net\n\nbody\n"))
                .doesNotContain("DKIM-Signature");
        assertThat(pass(CleanupTest.envelope(CleanupTest.outsider(), "rcpt@example.com"), "From: x@example.com\n\nbody\n"))
                .doesNotContain("DKIM-Signature");
    }

    @Test
    void anUnreadableKeyStopsCleanupWithAHint() {
        params.put("dkim_private_key", dir.resolve("missing.private").toString());
        MailLog log = MailLog.to(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "mail.example.com", "postfix");

        assertThatThrownBy(() -> new Cleanup(Config.of(params), queue, log, a -> true))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dkim_private_key")
                .hasMessageContaining("bulwark dkim keygen");
    }
}
