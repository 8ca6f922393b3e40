package org.bulwark.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.delivery.TestMessage;
import org.bulwark.dns.DnsResolver;
import org.bulwark.log.MailLog;
import org.bulwark.queue.DeliveryReport;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.bulwark.testing.DovecotLmtp;
import org.bulwark.testing.FreePorts;
import org.bulwark.testing.OpensslCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SMTP client in LMTP mode against a real Dovecot LMTP server, over its unix socket and TCP. */
class LmtpDeliveryTest {

    private static final String BODY = "Subject: to dovecot\n\nline one\n.starts with a dot\n";

    @TempDir
    static Path dir;

    private static DovecotLmtp dovecot;
    private static int tcpPort;
    private static Path cert;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final MailLog log = MailLog.to(new PrintStream(logBytes, true, StandardCharsets.UTF_8), "mail.example.test",
            "postfix");

    @BeforeAll
    static void startDovecot() throws Exception {
        tcpPort = FreePorts.next();
        Path[] keyAndCert = OpensslCertificates.make(Files.createDirectories(dir.resolve("tls")), "lmtp",
                OpensslCertificates.KeyForm.EC, "lmtp.example.test");
        cert = keyAndCert[1];
        dovecot = DovecotLmtp.start(dir.resolve("dovecot"), dir.resolve("spool/private/dovecot-lmtp"), tcpPort,
                List.of("alice@example.test", "bob@example.test", "carol@example.test"), List.of("broken@example.test"),
                keyAndCert);
    }

    @AfterAll
    static void stopDovecot() throws Exception {
        dovecot.close();
    }

    private SmtpDelivery agent(String... settings) {
        Map<String, String> values = new HashMap<>();
        values.put("myhostname", "mail.example.test");
        values.put("inet_protocols", "ipv4");
        values.put("dns_servers", "127.0.0.1:1");
        values.put("queue_directory", dir.resolve("spool").toString());
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        Config config = Config.of(values);
        return SmtpDelivery.lmtp(config, "lmtp", DnsResolver.create(config), log);
    }

    @Test
    void deliversIntoDovecotsMaildirOverTheUnixSocketUnderTheQueueDirectory() throws Exception {
        try (SmtpDelivery agent = agent()) {
            DeliveryReport report = agent.deliver(TestMessage.of("sender@remote.test", BODY, "alice@example.test")
                    .request("unix:private/dovecot-lmtp"));

            Outcome outcome = report.outcomes().get(0);
            assertThat(outcome.status()).as(dovecot.log()).isEqualTo(Status.SENT);
            assertThat(outcome.relay()).isEqualTo("mail.example.test[private/dovecot-lmtp]");
            assertThat(outcome.dsn()).isEqualTo("2.0.0");
            assertThat(outcome.text()).startsWith("250 2.0.0 <alice@example.test> ").endsWith(" Saved");
            List<Path> files = dovecot.delivered("alice@example.test");
            assertThat(files).hasSize(1);
            assertThat(Files.readString(files.get(0))).contains("Return-Path: <sender@remote.test>")
                    .contains("Subject: to dovecot").contains("\n.starts with a dot\n");
        }
    }

    @Test
    void eachRecipientHasItsOwnResultBeforeAndAfterTheData() throws Exception {
        try (SmtpDelivery agent = agent()) {
            DeliveryReport report = agent.deliver(TestMessage.of("sender@remote.test", BODY,
                    "bob@example.test", "nobody@example.test", "broken@example.test").request("unix:private/dovecot-lmtp"));

            assertThat(report.outcomes()).extracting(Outcome::status)
                    .containsExactly(Status.SENT, Status.BOUNCED, Status.DEFERRED);
            assertThat(report.outcomes().get(1).dsn()).isEqualTo("5.1.1");
            assertThat(report.outcomes().get(1).text()).isEqualTo("host mail.example.test[private/dovecot-lmtp] said: "
                    + "550 5.1.1 <nobody@example.test> User doesn't exist: nobody@example.test (in reply to RCPT TO command)");
            assertThat(report.outcomes().get(2).dsn()).isEqualTo("4.2.0");
            assertThat(report.outcomes().get(2).text()).startsWith("host mail.example.test[private/dovecot-lmtp] said: "
                    + "451 4.2.0 <broken@example.test> ").endsWith("(in reply to end of DATA command)");
            assertThat(dovecot.delivered("bob@example.test")).hasSize(1);
        }
    }

    @Test
    void deliversOverTcpWithoutAnMxLookup() throws Exception {
        try (SmtpDelivery agent = agent()) {
            DeliveryReport report = agent.deliver(TestMessage.of("sender@remote.test", BODY, "carol@example.test")
                    .request("inet:127.0.0.1:" + tcpPort));

            assertThat(report.outcomes().get(0).status()).isEqualTo(Status.SENT);
            assertThat(report.outcomes().get(0).relay()).isEqualTo("127.0.0.1[127.0.0.1]:" + tcpPort);
            assertThat(dovecot.delivered("carol@example.test")).isNotEmpty();
        }
    }

    @Test
    void startsTlsOverTcpWhenLmtpTlsSecurityLevelAsks() throws Exception {
        try (SmtpDelivery agent = agent("lmtp_tls_security_level", "encrypt", "lmtp_tls_CAfile", cert.toString())) {
            DeliveryReport report = agent.deliver(TestMessage.of("sender@remote.test", BODY, "carol@example.test")
                    .request("inet:127.0.0.1:" + tcpPort));

            assertThat(report.outcomes().get(0).status()).as(dovecot.log()).isEqualTo(Status.SENT);
            assertThat(logBytes.toString(StandardCharsets.UTF_8))
                    .contains("postfix/lmtp[").contains("Trusted TLS connection established to 127.0.0.1[127.0.0.1]:" + tcpPort);
        }
    }

    @Test
    void reusesTheConnectionForTheNextMessage() throws Exception {
        long before = connections();
        try (SmtpDelivery agent = agent("lmtp_connection_cache_time_limit", "30s")) {
            for (int i = 0; i < 3; i++) {
                DeliveryReport r = agent.deliver(TestMessage.of("sender@remote.test", BODY, "alice@example.test")
                        .request("unix:private/dovecot-lmtp"));
                assertThat(r.outcomes().get(0).status()).isEqualTo(Status.SENT);
            }
            assertThat(agent.idleConnections()).isEqualTo(1);
        }
        assertThat(connections() - before).as(dovecot.log()).isEqualTo(1);
    }

    /** How many LMTP connections Dovecot has logged so far. */
    private static long connections() throws Exception {
        return dovecot.log().lines().filter(l -> l.contains(": Connect from local")).count();
    }

    @Test
    void aMissingSocketDefersWithoutARelay() {
        try (SmtpDelivery agent = agent()) {
            DeliveryReport report = agent.deliver(TestMessage.of("sender@remote.test", BODY, "alice@example.test")
                    .request("unix:private/no-such-socket"));

            Outcome outcome = report.outcomes().get(0);
            assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
            assertThat(outcome.relay()).isEqualTo("none");
            assertThat(outcome.text()).startsWith("connect to private/no-such-socket: ");
        }
    }

    @Test
    void aSilentUnixSocketServerTimesOut() throws Exception {
        Path socket = dir.resolve("spool/private/silent");
        Files.deleteIfExists(socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread accepting = Thread.ofVirtual().start(() -> {
                try (SocketChannel silent = server.accept()) {
                    Thread.sleep(30_000);
                } catch (Exception e) {
                    // closed by the test
                }
            });
            try (SmtpDelivery agent = agent("lmtp_lhlo_timeout", "1s")) {
                Outcome outcome = agent.deliver(TestMessage.of("sender@remote.test", BODY, "alice@example.test")
                        .request("unix:private/silent")).outcomes().get(0);

                assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
                assertThat(outcome.text()).isEqualTo("conversation with mail.example.test[private/silent] timed out "
                        + "while receiving the initial server greeting");
            } finally {
                accepting.interrupt();
            }
        }
    }

    @Test
    void mandatoryTlsIsNotQuietlyDroppedOnAUnixSocket() {
        try (SmtpDelivery agent = agent("lmtp_tls_security_level", "encrypt")) {
            DeliveryReport report = agent.deliver(TestMessage.of("sender@remote.test", BODY, "alice@example.test")
                    .request("unix:private/dovecot-lmtp"));

            assertThat(report.outcomes().get(0).status()).isEqualTo(Status.DEFERRED);
            assertThat(report.outcomes().get(0).dsn()).isEqualTo("4.7.4");
        }
    }

    @Test
    void aPolicyTableEntryForTheSocketPathDecidesItsLevel() throws Exception {
        Path table = Files.writeString(dir.resolve("lmtp_tls_policy"), "private/dovecot-lmtp encrypt\n");
        try (SmtpDelivery agent = agent("lmtp_tls_policy_maps", "texthash:" + table)) {
            DeliveryReport report = agent.deliver(TestMessage.of("sender@remote.test", BODY, "carol@example.test")
                    .request("unix:private/dovecot-lmtp"));

            assertThat(report.outcomes().get(0).status()).isEqualTo(Status.DEFERRED);
            assertThat(report.outcomes().get(0).dsn()).isEqualTo("4.7.4");
        }
        Files.writeString(table, "private/dovecot-lmtp none\n");
        try (SmtpDelivery agent = agent("lmtp_tls_policy_maps", "texthash:" + table, "lmtp_tls_security_level", "encrypt")) {
            DeliveryReport report = agent.deliver(TestMessage.of("sender@remote.test", BODY, "carol@example.test")
                    .request("unix:private/dovecot-lmtp"));

            assertThat(report.outcomes().get(0).status()).as(dovecot.log()).isEqualTo(Status.SENT);
        }
    }

    @Test
    void aFallbackRelayIsIgnoredWithAWarningOverAUnixSocket() throws Exception {
        try (SmtpDelivery agent = agent("lmtp_fallback_relay", "[127.0.0.1]:1")) {
            DeliveryReport report = agent.deliver(TestMessage.of("sender@remote.test", BODY, "carol@example.test")
                    .request("unix:private/dovecot-lmtp"));

            assertThat(report.outcomes().get(0).status()).as(dovecot.log()).isEqualTo(Status.SENT);
            assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("warning: ignoring \"lmtp_fallback_relay"
                    + " = [127.0.0.1]:1\" setting for non-TCP connections");
        }
    }
}
