package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bulwark.config.ConfigException;
import org.bulwark.testing.FakeSmtpServer;
import org.bulwark.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * verify(8) end to end: reject_unverified_recipient probes a relayed domain's server (a scripted
 * SMTP server on loopback) through the queue, the probe stops after RCPT, the remote's refusal is
 * quoted in smtpd's 450, a known address is accepted and its mail delivered, and no probe ever
 * turns into a bounce. The cache survives a restart (file) and is shared by two nodes (Redis).
 */
class AddressVerificationTest {

    private static final String OUTSIDE = "127.0.0.2";
    private static final String HELO = "client.outside.example";
    private static final String SENDER = "sender@outside.example";
    private static final String REFUSAL = "550 5.1.1 <unknown@remote.test>... User unknown";

    @TempDir
    Path root;
    private MailSystemFixture a;
    private MailSystemFixture b;

    @AfterEach
    void stop() {
        for (MailSystemFixture node : new MailSystemFixture[] {a, b}) {
            if (node != null) {
                node.close();
            }
        }
    }

    private static FakeSmtpServer remote() throws Exception {
        return FakeSmtpServer.start(FakeSmtpServer.options()
                .rcptReply(to -> to.equals("unknown@remote.test") ? REFUSAL : "250 2.1.5 Ok"));
    }

    /** A node that relays remote.test to the scripted server and verifies its recipients. */
    private MailSystemFixture node(Path directory, FakeSmtpServer remote) throws Exception {
        return node(directory, remote, null);
    }

    private MailSystemFixture node(Path directory, FakeSmtpServer remote, String map) throws Exception {
        MailSystemFixture node = new MailSystemFixture(directory);
        Files.writeString(node.conf.resolve("transport"), "remote.test relay:[127.0.0.1]:" + remote.port() + "\n");
        return node.set("relay_domains", "remote.test")
                .set("transport_maps", "texthash:" + node.conf.resolve("transport"))
                .set("smtpd_recipient_restrictions", "permit_mynetworks, reject_unauth_destination,"
                        + " reject_unverified_recipient")
                .set("address_verify_poll_delay", "1s")
                .addressVerification(map);
    }

    /** RCPT until the answer is no longer "in progress"; each try waits for the probe's log line first. */
    private static String rcptVerified(MailSystemFixture node, String recipient, String probeLine) throws Exception {
        String reply = SmtpDialogue.rcpt(node.port(), OUTSIDE, HELO, SENDER, recipient);
        if (reply.endsWith("Address verification in progress")) {
            node.awaitLog(probeLine);
            reply = SmtpDialogue.rcpt(node.port(), OUTSIDE, HELO, SENDER, recipient);
        }
        return reply;
    }

    @Test
    void refusesWhatTheRemoteRefusesAndDeliversWhatItTakesWithoutSendingAProbeData() throws Exception {
        try (FakeSmtpServer remote = remote()) {
            a = node(root.resolve("a"), remote).start();

            String unknown = rcptVerified(a, "unknown@remote.test", "status=undeliverable");
            assertThat(unknown).isEqualTo("450 4.1.1 <unknown@remote.test>: Recipient address rejected: "
                    + "unverified address: host 127.0.0.1[127.0.0.1] said: " + REFUSAL
                    + " (in reply to RCPT TO command)");
            a.awaitLog("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: " + unknown
                    + "; from=<" + SENDER + "> to=<unknown@remote.test> proto=ESMTP helo=<" + HELO + ">");
            String probeLine = a.awaitLog("to=<unknown@remote.test>, relay=127.0.0.1[127.0.0.1]:" + remote.port());
            assertThat(probeLine).contains("dsn=5.1.1, status=undeliverable (host 127.0.0.1[127.0.0.1] said: "
                    + REFUSAL + " (in reply to RCPT TO command))");

            assertThat(rcptVerified(a, "known@remote.test", "status=deliverable")).isEqualTo("250 2.1.5 Ok");
            assertThat(a.awaitLog("status=deliverable (250 2.1.5 Ok)")).contains("to=<known@remote.test>");
            assertThat(SmtpDialogue.send(a.port(), OUTSIDE, HELO, SENDER, "known@remote.test",
                    "Subject: verified\n\nhello\n")).startsWith("250 2.0.0 Ok: queued as ");

            List<FakeSmtpServer.Message> messages = remote.awaitMessages(1);
            assertThat(messages).hasSize(1);
            assertThat(messages.get(0).recipients()).containsExactly("known@remote.test");
            assertThat(messages.get(0).content()).contains("Subject: verified");
            // The probes asked and left: MAIL from the double-bounce sender, RCPT, RSET; DATA only for the mail.
            assertThat(remote.commands()).anyMatch(c -> c.startsWith("MAIL FROM:<double-bounce@mail.example.test>"));
            assertThat(remote.commands().stream().filter(c -> c.equals("DATA")).count()).isEqualTo(1);
            assertThat(remote.commands()).contains("RSET");
            a.awaitLog("status=sent (250 2.0.0 Ok: queued as FAKE)");
            assertThat(a.maillog()).doesNotContain("non-delivery notification").doesNotContain("status=bounced");
        }
    }

    @Test
    void theFileCacheAnswersAfterARestartWithoutProbingAgain() throws Exception {
        try (FakeSmtpServer remote = remote()) {
            a = node(root.resolve("a"), remote).start();
            rcptVerified(a, "unknown@remote.test", "status=undeliverable");
            a.stop();
        }
        assertThat(a.var.resolve("lib/verify_cache")).exists();
        // The remote is gone: only the cache can still know what it said.
        a.start();
        assertThat(SmtpDialogue.rcpt(a.port(), OUTSIDE, HELO, SENDER, "unknown@remote.test"))
                .isEqualTo("450 4.1.1 <unknown@remote.test>: Recipient address rejected: unverified address: "
                        + "host 127.0.0.1[127.0.0.1] said: " + REFUSAL + " (in reply to RCPT TO command)");
    }

    @Test
    void twoNodesOnOneRedisShareWhatTheirProbesFound() throws Exception {
        try (FakeSmtpServer remote = remote(); RedisServer redis = RedisServer.start(Files.createDirectories(root.resolve("redis")))) {
            a = node(root.resolve("a"), remote, redis.uri()).start();
            b = node(root.resolve("b"), remote, redis.uri()).start();

            rcptVerified(a, "unknown@remote.test", "status=undeliverable");
            int probes = remote.connections();
            // Node b never probed this address: Redis holds a's answer.
            assertThat(SmtpDialogue.rcpt(b.port(), OUTSIDE, HELO, SENDER, "unknown@remote.test"))
                    .isEqualTo("450 4.1.1 <unknown@remote.test>: Recipient address rejected: unverified address: "
                            + "host 127.0.0.1[127.0.0.1] said: " + REFUSAL + " (in reply to RCPT TO command)");
            assertThat(remote.connections()).isEqualTo(probes);
            assertThat(b.maillog()).doesNotContain("status=undeliverable");
        }
    }

    @Test
    void rejectUnverifiedSenderProbesAVirtualMailboxWithoutDeliveringToIt() throws Exception {
        try (FakeSmtpServer remote = remote()) {
            a = node(root.resolve("a"), remote)
                    .set("smtpd_sender_restrictions", "reject_unverified_sender")
                    .start();
            String unknown = rcptVerifiedFrom(a, "nobody@example.test", "status=undeliverable");
            assertThat(unknown).isEqualTo("450 4.1.7 <nobody@example.test>: Sender address rejected: "
                    + "unverified address: unknown user: \"nobody@example.test\"");
            assertThat(rcptVerifiedFrom(a, "alice@example.test", "status=deliverable")).isEqualTo("250 2.1.5 Ok");
            assertThat(a.awaitLog("status=deliverable (delivers to maildir)")).contains("to=<alice@example.test>");
            assertThat(a.delivered("alice")).isEmpty();
        }
    }

    private static String rcptVerifiedFrom(MailSystemFixture node, String sender, String probeLine) throws Exception {
        String reply = SmtpDialogue.rcpt(node.port(), OUTSIDE, HELO, sender, "known@remote.test");
        if (reply.endsWith("Address verification in progress")) {
            node.awaitLog(probeLine);
            reply = SmtpDialogue.rcpt(node.port(), OUTSIDE, HELO, sender, "known@remote.test");
        }
        return reply;
    }

    /** address_verify_transport_maps sends the probes elsewhere than the mail (Postfix's probe routing overrides). */
    @Test
    void probesFollowAddressVerifyTransportMaps() throws Exception {
        try (FakeSmtpServer mail = remote(); FakeSmtpServer probes = remote()) {
            a = node(root.resolve("a"), mail);
            Files.writeString(a.conf.resolve("probe_transport"),
                    "remote.test relay:[127.0.0.1]:" + probes.port() + "\n");
            a.set("address_verify_transport_maps", "texthash:" + a.conf.resolve("probe_transport")).start();

            assertThat(rcptVerified(a, "known@remote.test", "status=deliverable")).isEqualTo("250 2.1.5 Ok");
            assertThat(a.awaitLog("status=deliverable")).contains("relay=127.0.0.1[127.0.0.1]:" + probes.port());
            assertThat(probes.commands()).contains("RCPT TO:<known@remote.test>");
            assertThat(mail.connections()).isZero();
        }
    }

    private static final String DATA_REFUSAL = "554 5.7.1 Recipients are refused only after DATA";

    /**
     * smtp_address_verify_target = data, through Postfix's own example (a transport with -o in
     * master.cf): the probe goes on to DATA, and a server that accepts the recipient but refuses
     * DATA makes the address undeliverable, quoted as Postfix quotes it.
     */
    @Test
    void withTargetDataARefusalOfDataMakesTheAddressUndeliverable() throws Exception {
        try (FakeSmtpServer remote = FakeSmtpServer.start(FakeSmtpServer.options().dataCommandReply(DATA_REFUSAL))) {
            a = node(root.resolve("a"), remote)
                    .service("smtp-data-target unix - - n - - smtp -o smtp_address_verify_target=data");
            Files.writeString(a.conf.resolve("transport"), "remote.test smtp-data-target:[127.0.0.1]:" + remote.port() + "\n");
            a.start();

            String reply = rcptVerified(a, "known@remote.test", "status=undeliverable");
            assertThat(reply).isEqualTo("450 4.1.1 <known@remote.test>: Recipient address rejected: "
                    + "unverified address: host 127.0.0.1[127.0.0.1] said: " + DATA_REFUSAL
                    + " (in reply to DATA command)");
            assertThat(a.awaitLog("to=<known@remote.test>, relay=127.0.0.1[127.0.0.1]:" + remote.port()))
                    .contains("dsn=5.7.1, status=undeliverable (host 127.0.0.1[127.0.0.1] said: " + DATA_REFUSAL
                            + " (in reply to DATA command))");
            assertThat(remote.commands()).containsSubsequence("RCPT TO:<known@remote.test>", "DATA");
            assertThat(remote.messages()).isEmpty();
        }
    }

    /** The same server with the default target (rcpt): the probe never asks DATA, so the address is deliverable. */
    @Test
    void withTargetRcptTheSameServerMakesTheAddressDeliverable() throws Exception {
        try (FakeSmtpServer remote = FakeSmtpServer.start(FakeSmtpServer.options().dataCommandReply(DATA_REFUSAL))) {
            a = node(root.resolve("a"), remote).start();

            assertThat(rcptVerified(a, "known@remote.test", "status=deliverable")).isEqualTo("250 2.1.5 Ok");
            assertThat(a.awaitLog("status=deliverable (250 2.1.5 Ok)")).contains("to=<known@remote.test>");
            assertThat(remote.commands()).doesNotContain("DATA");
        }
    }

    /**
     * smtp_address_verify_target = data in main.cf, and a server that takes DATA: the 354 makes the
     * address deliverable, and the client drops the connection there, so the server never gets
     * content, an end of data or QUIT, and no message.
     */
    @Test
    void withTargetDataA354IsDeliverableAndTheServerNeverGetsAMessage() throws Exception {
        try (FakeSmtpServer remote = remote()) {
            a = node(root.resolve("a"), remote).set("smtp_address_verify_target", "data").start();

            assertThat(rcptVerified(a, "known@remote.test", "status=deliverable")).isEqualTo("250 2.1.5 Ok");
            assertThat(a.awaitLog("to=<known@remote.test>, relay=127.0.0.1[127.0.0.1]:" + remote.port()))
                    .contains("dsn=2.0.0, status=deliverable (354 End data with <CR><LF>.<CR><LF>)");
            remote.awaitAbandonedData(1);
            assertThat(remote.messages()).isEmpty();
            assertThat(remote.commands()).endsWith("DATA");
            assertThat(a.maillog()).doesNotContain("status=sent");
        }
    }

    @Test
    void refusesToStartWithoutTheVerifyService() throws Exception {
        try (FakeSmtpServer remote = remote()) {
            MailSystemFixture node = new MailSystemFixture(root.resolve("c"))
                    .set("smtpd_recipient_restrictions", "reject_unauth_destination, reject_unverified_recipient");
            assertThatThrownBy(node::start).isInstanceOf(ConfigException.class)
                    .hasMessageMatching(".*main\\.cf, line \\d+: reject_unverified_recipient in"
                            + " smtpd_recipient_restrictions needs the address verification service.*"
                            + "Add to master.cf: verify unix - - n - 1 verify");
        }
    }
}
