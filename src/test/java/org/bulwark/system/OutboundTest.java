package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bulwark.testing.FakeSmtpServer;
import org.bulwark.testing.TestCertificates;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mail for other domains leaves through the queue: MX answers from the test DNS server, remote
 * servers on loopback (a scripted fake one, or a second Bulwark), bounces back into the sender's
 * Maildir as RFC 3464 reports that Python's email package reads.
 */
class OutboundTest {

    @TempDir
    Path dir;

    private TestDnsServer dns;
    private MailSystemFixture mail;
    private final java.util.List<AutoCloseable> closing = new java.util.ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        dns.addMx("remote.test", 10, "mx.remote.test").addA("mx.remote.test", "127.0.0.1");
        mail = new MailSystemFixture(dir.resolve("sender"));
        mail.set("dns_servers", dns.address());
    }

    @AfterEach
    void stop() throws Exception {
        mail.close();
        for (AutoCloseable c : closing) {
            c.close();
        }
        dns.close();
    }

    private FakeSmtpServer remote(FakeSmtpServer.Options options) throws Exception {
        FakeSmtpServer server = FakeSmtpServer.start(options);
        closing.add(server);
        mail.set("smtp_tcp_port", String.valueOf(server.port()));
        return server;
    }

    private void send(String from, String... to) throws Exception {
        try (SmtpDialogue c = new SmtpDialogue(mail.port(), "127.0.0.1")) {
            assertThat(c.reply()).startsWith("220");
            assertThat(c.command("EHLO client.example.test")).startsWith("250");
            assertThat(c.command("MAIL FROM:<" + from + ">")).startsWith("250");
            for (String r : to) {
                assertThat(c.command("RCPT TO:<" + r + ">")).startsWith("250");
            }
            assertThat(c.command("DATA")).startsWith("354");
            assertThat(c.command("From: <" + from + ">\r\nSubject: outbound test\r\n\r\nHello there.\r\n.")).startsWith("250");
            c.command("QUIT");
        }
    }

    @Test
    void deliversToTheMxOfTheRecipientDomain() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options());
        mail.start();
        send("alice@example.test", "bob@remote.test");

        FakeSmtpServer.Message m = remote.awaitMessages(1).get(0);
        assertThat(m.recipients()).containsExactly("bob@remote.test");
        assertThat(m.content()).contains("Subject: outbound test");
        assertThat(mail.awaitLog("status=sent (250 2.0.0 Ok: queued as FAKE)"))
                .containsPattern("postfix/smtp\\[\\d+\\]: [0-9A-F]+: to=<bob@remote.test>, relay=mx.remote.test\\[127.0.0.1\\]:"
                        + remote.port() + ", delay=[0-9.]+, delays=[0-9./]+, dsn=2.0.0, status=sent");
    }

    @Test
    void relayhostSendsEverythingToOneServerWithoutAnMxLookup() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options());
        mail.set("relayhost", "[127.0.0.1]:" + remote.port());
        mail.start();
        send("alice@example.test", "someone@unknown-domain.test");

        assertThat(remote.awaitMessages(1).get(0).recipients()).containsExactly("someone@unknown-domain.test");
        assertThat(mail.awaitLog("status=sent")).contains("relay=127.0.0.1[127.0.0.1]:" + remote.port());
    }

    @Test
    void relayDomainsLeaveThroughTheRelayTransport() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options());
        dns.addMx("relayed.test", 10, "mx.remote.test");
        mail.set("relay_domains", "relayed.test");
        mail.start();
        try (SmtpDialogue c = new SmtpDialogue(mail.port(), "127.0.0.1")) {
            c.reply();
            c.command("EHLO outside.example");
            assertThat(c.command("MAIL FROM:<someone@outside.example>")).startsWith("250");
            assertThat(c.command("RCPT TO:<bob@relayed.test>")).startsWith("250");
            assertThat(c.command("DATA")).startsWith("354");
            assertThat(c.command("Subject: relayed\r\n\r\nhi\r\n.")).startsWith("250");
        }
        assertThat(remote.awaitMessages(1).get(0).recipients()).containsExactly("bob@relayed.test");
        assertThat(mail.awaitLog("status=sent")).containsPattern("postfix/relay\\[\\d+\\]: [0-9A-F]+: to=<bob@relayed.test>");
    }

    @Test
    void deliversToASecondBulwarkInstance() throws Exception {
        MailSystemFixture receiver = new MailSystemFixture(dir.resolve("receiver"));
        closing.add(receiver);
        receiver.set("virtual_mailbox_domains", "remote.test");
        Files.writeString(receiver.conf.resolve("vmailbox"), "carol@remote.test   example.test/carol/\n");
        receiver.start();
        mail.set("smtp_tcp_port", String.valueOf(receiver.port()));
        mail.start();
        send("alice@example.test", "carol@remote.test");

        List<Path> files = receiver.awaitDelivered("carol", 1);
        assertThat(Files.readString(files.get(0))).contains("Subject: outbound test")
                .contains("by mail.example.test");
    }

    @Test
    void aTemporaryFailureIsRetriedAfterBackoffAndOnlyForWhatIsLeft() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        FakeSmtpServer remote = remote(FakeSmtpServer.options().rcptReply(to ->
                to.equals("later@remote.test") && tries.incrementAndGet() == 1
                        ? "450 4.2.0 <later@remote.test>: Recipient address rejected: Greylisted" : "250 2.1.5 Ok"));
        mail.set("minimal_backoff_time", "1s").set("maximal_backoff_time", "1s").set("queue_run_delay", "1s");
        mail.start();
        send("alice@example.test", "now@remote.test", "later@remote.test");

        List<FakeSmtpServer.Message> messages = remote.awaitMessages(2);
        assertThat(messages.get(0).recipients()).containsExactly("now@remote.test");
        assertThat(messages.get(1).recipients()).containsExactly("later@remote.test");
        String log = mail.awaitLog("to=<later@remote.test>, relay=mx.remote.test[127.0.0.1]:" + remote.port());
        assertThat(log).contains("dsn=4.2.0, status=deferred (host mx.remote.test[127.0.0.1] said: 450 4.2.0 "
                + "<later@remote.test>: Recipient address rejected: Greylisted (in reply to RCPT TO command))");
        mail.awaitLog(": removed");
    }

    @Test
    void aPermanentFailureReturnsAReportThatPythonReadsAsMultipartReport() throws Exception {
        remote(FakeSmtpServer.options().rcptReply(to ->
                "550 5.1.1 <" + to + ">: Recipient address rejected: User unknown in virtual mailbox table"));
        mail.start();
        send("alice@example.test", "nobody@remote.test");

        Path report = mail.awaitDelivered("alice", 1).get(0);
        assertThat(mail.awaitLog("sender non-delivery notification: ")).contains("status=bounced");
        String parsed = python("""
                import email, sys
                m = email.message_from_binary_file(open(sys.argv[1], 'rb'))
                print(m.get_content_type(), m.get_param('report-type'))
                print(m['Subject'])
                parts = m.get_payload()
                print(parts[0].get_content_type(), parts[1].get_content_type(), parts[2].get_content_type())
                status = parts[1].get_payload()
                print(status[1]['Action'], status[1]['Status'], status[1]['Final-Recipient'])
                print(status[1]['Diagnostic-Code'])
                print(parts[2].get_payload()[0]['Subject'])
                """, report);
        assertThat(parsed.lines().toList()).containsExactly(
                "multipart/report delivery-status",
                "Undelivered Mail Returned to Sender",
                "text/plain message/delivery-status message/rfc822",
                "failed 5.1.1 rfc822; nobody@remote.test",
                "smtp; 550 5.1.1 <nobody@remote.test>: Recipient address rejected: User unknown in virtual mailbox table",
                "outbound test");
        assertThat(Files.readString(report)).contains("This is the mail system at host mail.example.test.")
                .contains("Return-Path: <>");
    }

    @Test
    void aDownRemoteDefersTheMessage() throws Exception {
        mail.set("smtp_tcp_port", String.valueOf(MailSystemFixture.freePort()));
        mail.start();
        send("alice@example.test", "bob@remote.test");

        assertThat(mail.awaitLog("status=deferred")).contains("to=<bob@remote.test>, relay=none")
                .contains("(connect to mx.remote.test[127.0.0.1]:");
        // The log line comes first, the move to deferred/ right after it.
        Path deferred = dir.resolve("sender/var/spool/deferred");
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
        while (countFiles(deferred) == 0 && java.time.Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        assertThat(countFiles(deferred)).isEqualTo(1);
    }

    @Test
    void mailPastTheQueueLifetimeBouncesToTheSender() throws Exception {
        mail.set("smtp_tcp_port", String.valueOf(MailSystemFixture.freePort()));
        mail.set("maximal_queue_lifetime", "0s");
        mail.start();
        send("alice@example.test", "bob@remote.test");

        Path report = mail.awaitDelivered("alice", 1).get(0);
        assertThat(mail.awaitLog("status=expired, returned to sender")).contains("sender non-delivery notification");
        assertThat(Files.readString(report)).contains("Action: failed")
                .contains("message delivery time expired: connect to mx.remote.test[127.0.0.1]:");
    }

    @Test
    void aDelayWarningReachesTheSenderOnce() throws Exception {
        mail.set("smtp_tcp_port", String.valueOf(MailSystemFixture.freePort()));
        mail.set("delay_warning_time", "1s");
        mail.set("minimal_backoff_time", "1s").set("maximal_backoff_time", "1s").set("queue_run_delay", "1s");
        mail.start();
        send("alice@example.test", "bob@remote.test");

        Path warning = mail.awaitDelivered("alice", 1).get(0);
        assertThat(Files.readString(warning)).contains("Subject: Delayed Mail (still being retried)")
                .contains("Action: delayed").contains("text/rfc822-headers");
        mail.awaitLog("sender delay status notification");
        Thread.sleep(2500); // more retries happen; none may warn again
        assertThat(mail.delivered("alice")).hasSize(1);
    }

    @Test
    void noBounceGoesToTheNullSenderButThePostmasterGetsADoubleBounce() throws Exception {
        remote(FakeSmtpServer.options().rcptReply(to -> "550 5.1.1 User unknown"));
        mail.set("2bounce_notice_recipient", "alice@example.test");
        mail.start();
        send("", "nobody@remote.test");

        Path notice = mail.awaitDelivered("alice", 1).get(0);
        assertThat(Files.readString(notice)).contains("Subject: Postmaster Copy: Undelivered Mail")
                .contains("Return-Path: <double-bounce@mail.example.test>");
        assertThat(mail.awaitLog("postmaster non-delivery notification")).isNotNull();
    }

    @Test
    void opportunisticTlsToACapableRemote() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options()
                .starttls(TestCertificates.selfSigned("mx.remote.test").serverContext()));
        mail.set("smtp_tls_security_level", "may");
        mail.start();
        send("alice@example.test", "bob@remote.test");

        assertThat(remote.awaitMessages(1).get(0).tls()).isTrue();
        assertThat(mail.awaitLog("Untrusted TLS connection established to mx.remote.test[127.0.0.1]:" + remote.port()))
                .isNotNull();
    }

    @Test
    void encryptRefusesAPlainRemote() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options());
        mail.set("smtp_tls_security_level", "encrypt");
        mail.start();
        send("alice@example.test", "bob@remote.test");

        assertThat(mail.awaitLog("status=deferred"))
                .contains("dsn=4.7.4, status=deferred (TLS is required, but was not offered by host mx.remote.test[127.0.0.1])");
        assertThat(remote.messages()).isEmpty();
    }

    @Test
    void theDestinationConcurrencyLimitHolds() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options().hold(java.time.Duration.ofMillis(300)));
        mail.set("smtp_destination_concurrency_limit", "2").set("initial_destination_concurrency", "2");
        mail.start();
        for (int i = 0; i < 8; i++) {
            send("alice@example.test", "user" + i + "@remote.test");
        }
        remote.awaitMessages(8);
        assertThat(remote.maxConcurrentSessions()).isEqualTo(2);
    }

    @Test
    void theSeedsHighLoadSettingsDeliverInParallelWithinTheLimits() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options().hold(java.time.Duration.ofMillis(200)));
        mail.set("default_process_limit", "200").set("queue_run_delay", "120s").set("minimal_backoff_time", "180s")
                .set("initial_destination_concurrency", "5").set("default_destination_concurrency_limit", "20");
        mail.start();
        for (int i = 0; i < 30; i++) {
            send("alice@example.test", "user" + i + "@remote.test");
        }
        remote.awaitMessages(30);
        System.out.println("high-load settings: most parallel sessions to one destination: "
                + remote.maxConcurrentSessions() + ", connections: " + remote.connections());
        assertThat(remote.maxConcurrentSessions()).isBetween(2, 20);
    }

    @Test
    void aDeadDestinationDoesNotHoldUpOthers() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options());
        // The dead site accepts connections and never greets; its deliveries wait for smtp_helo_timeout.
        java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
        closing.add(silent);
        Files.writeString(mail.conf.resolve("transport"), "dead.test smtp:[127.0.0.1]:" + silent.getLocalPort() + "\n");
        mail.set("transport_maps", "texthash:" + mail.conf.resolve("transport"));
        mail.set("smtp_helo_timeout", "60s");
        mail.start();
        for (int i = 0; i < 3; i++) {
            send("alice@example.test", "user" + i + "@dead.test");
        }
        send("alice@example.test", "bob@remote.test");

        assertThat(remote.awaitMessages(1).get(0).recipients()).containsExactly("bob@remote.test");
        assertThat(mail.maillog()).doesNotContain("to=<user0@dead.test>");
        silent.close(); // the waiting connections are reset, so the stop need not wait for them
    }

    @Test
    void theQueueToolsHoldReleaseAndFlushOnARunningServer() throws Exception {
        int port = MailSystemFixture.freePort();
        mail.set("smtp_tcp_port", String.valueOf(port));
        mail.set("minimal_backoff_time", "1h").set("maximal_backoff_time", "1h");
        mail.start();
        send("alice@example.test", "bob@remote.test");
        send("alice@example.test", "carol@remote.test");
        Path spool = dir.resolve("sender/var/spool");
        awaitFiles(spool.resolve("deferred"), 2);

        String id = queueIds(spool.resolve("deferred")).get(0);
        assertThat(tool("postsuper", "-h", id)).contains("postsuper: Placed on hold: 1 message");
        assertThat(tool("postqueue", "-p")).contains(id + "!").contains("-- 0 Kbytes in 2 Requests.");
        assertThat(tool("postcat", "-q", id)).contains("*** ENVELOPE RECORDS hold/" + id + " ***");

        FakeSmtpServer remote = FakeSmtpServer.start(FakeSmtpServer.options(), port);
        closing.add(remote);
        tool("postqueue", "-f");
        assertThat(remote.awaitMessages(1)).hasSize(1);
        assertThat(tool("postsuper", "-H", id)).contains("postsuper: Released from hold: 1 message");
        tool("postqueue", "-i", id);
        assertThat(remote.awaitMessages(2)).extracting(m -> m.recipients().get(0))
                .containsExactlyInAnyOrder("bob@remote.test", "carol@remote.test");
    }

    private String tool(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        var cl = org.bulwark.cli.Bulwark.commandLine();
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(out, true));
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("-c", mail.conf.toString()));
        assertThat(cl.execute(all.toArray(String[]::new))).as(out.toString()).isZero();
        return out.toString();
    }

    private static List<String> queueIds(Path directory) throws Exception {
        try (var files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static void awaitFiles(Path directory, int count) throws Exception {
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
        while (countFiles(directory) < count && java.time.Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        assertThat(countFiles(directory)).isEqualTo(count);
    }

    private static long countFiles(Path directory) throws Exception {
        try (var files = Files.list(directory)) {
            return files.count();
        }
    }

    private static String python(String script, Path file) throws Exception {
        MailSystemFixture.ProcessResult r = MailSystemFixture.run(List.of(Tools.python3(), "-c", script, file.toString()), null);
        assertThat(r.exitCode()).as(r.output()).isZero();
        return r.output();
    }
}
