package org.bulwark.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.bulwark.delivery.TestMessage;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.Recipient;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.bulwark.queue.DeliveryReport;
import org.bulwark.testing.FakeSmtpServer;
import org.bulwark.testing.FreePorts;
import org.bulwark.testing.TestCertificates;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmtpDeliveryTest {

    private static final String BODY = "Subject: hello\n\nline one\n.starts with a dot\n";

    @TempDir
    Path dir;

    private DeliveryTestBed bed;
    private TestDnsServer dns;

    @BeforeEach
    void start() throws Exception {
        bed = DeliveryTestBed.start();
        dns = bed.dns;
    }

    @AfterEach
    void close() throws Exception {
        bed.close();
    }

    private FakeSmtpServer remote(FakeSmtpServer.Options options) throws Exception {
        return bed.remote(options);
    }

    private SmtpDelivery agent(int port, String... settings) {
        return bed.agent(port, settings);
    }

    private String log() {
        return bed.logText();
    }

    @Test
    void deliversToTheMxHostWithDotStuffingIntact() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options());
        dns.addMx("remote.test", 10, "mx.remote.test").addA("mx.remote.test", "127.0.0.1");
        DeliveryReport report = agent(remote.port()).deliver(
                TestMessage.of("alice@example.test", BODY, "bob@remote.test").request("remote.test"));

        Outcome outcome = report.outcomes().get(0);
        assertThat(outcome.status()).isEqualTo(Status.SENT);
        assertThat(outcome.relay()).isEqualTo("mx.remote.test[127.0.0.1]:" + remote.port());
        assertThat(outcome.dsn()).isEqualTo("2.0.0");
        assertThat(outcome.text()).isEqualTo("250 2.0.0 Ok: queued as FAKE");
        FakeSmtpServer.Message m = remote.awaitMessages(1).get(0);
        assertThat(m.mailFrom()).startsWith("<alice@example.test>");
        assertThat(m.rcptTo()).containsExactly("<bob@remote.test>");
        assertThat(m.content()).isEqualTo("Subject: hello\r\n\r\nline one\r\n.starts with a dot\r\n");
        assertThat(remote.commands()).anyMatch(c -> c.equals("EHLO mail.example.test"));
    }

    @Test
    void reportsEachRecipientOnItsOwn() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options().rcptReply(to -> switch (to) {
            case "later@remote.test" -> "450 4.2.0 <later@remote.test>: Recipient address rejected: Greylisted";
            case "nobody@remote.test" -> "550 5.1.1 <nobody@remote.test>: Recipient address rejected: User unknown";
            default -> "250 2.1.5 Ok";
        }));
        DeliveryReport report = agent(remote.port()).deliver(TestMessage.of("alice@example.test", BODY,
                "later@remote.test", "nobody@remote.test", "bob@remote.test").request("[127.0.0.1]"));

        assertThat(report.outcomes()).extracting(Outcome::status)
                .containsExactly(Status.DEFERRED, Status.BOUNCED, Status.SENT);
        assertThat(report.outcomes().get(1).dsn()).isEqualTo("5.1.1");
        assertThat(report.outcomes().get(1).text()).isEqualTo("host 127.0.0.1[127.0.0.1] said: 550 5.1.1 "
                + "<nobody@remote.test>: Recipient address rejected: User unknown (in reply to RCPT TO command)");
        assertThat(remote.awaitMessages(1).get(0).rcptTo()).containsExactly("<bob@remote.test>");
    }

    /** verify(8): without PIPELINING too, a probe ends after RCPT TO; the reply is the result. */
    @Test
    void aProbeStopsAfterRcptWithoutPipelining() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options().extensions("SIZE 10240000")
                .rcptReply(to -> to.equals("nobody@remote.test") ? "550 5.1.1 User unknown" : "250 2.1.5 Ok"));

        Outcome unknown = agent(remote.port()).deliver(TestMessage.probe("nobody@remote.test").request("[127.0.0.1]"))
                .outcomes().get(0);
        Outcome known = agent(remote.port()).deliver(TestMessage.probe("bob@remote.test").request("[127.0.0.1]"))
                .outcomes().get(0);

        assertThat(unknown.status()).isEqualTo(Status.BOUNCED);
        assertThat(unknown.text()).isEqualTo("host 127.0.0.1[127.0.0.1] said: 550 5.1.1 User unknown"
                + " (in reply to RCPT TO command)");
        assertThat(known.status()).isEqualTo(Status.SENT);
        assertThat(known.text()).isEqualTo("250 2.1.5 Ok");
        assertThat(remote.commands()).doesNotContain("DATA");
        assertThat(remote.messages()).isEmpty();
    }

    /**
     * smtp_address_verify_target = data without PIPELINING: a refused recipient keeps its RCPT
     * reply, an accepted one is deliverable at the 354, and the client then hangs up without a
     * word more, so the server never gets a message.
     */
    @Test
    void aProbeWithTargetDataEndsAtTheDataReplyWithoutPipelining() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options().extensions("SIZE 10240000")
                .rcptReply(to -> to.equals("nobody@remote.test") ? "550 5.1.1 User unknown" : "250 2.1.5 Ok"));

        Outcome unknown = agent(remote.port(), "smtp_address_verify_target", "data")
                .deliver(TestMessage.probe("nobody@remote.test").request("[127.0.0.1]")).outcomes().get(0);
        Outcome known = agent(remote.port(), "smtp_address_verify_target", "data")
                .deliver(TestMessage.probe("bob@remote.test").request("[127.0.0.1]")).outcomes().get(0);

        assertThat(unknown.status()).isEqualTo(Status.BOUNCED);
        assertThat(unknown.text()).isEqualTo("host 127.0.0.1[127.0.0.1] said: 550 5.1.1 User unknown"
                + " (in reply to RCPT TO command)");
        assertThat(known.status()).isEqualTo(Status.SENT);
        assertThat(known.dsn()).isEqualTo("2.0.0");
        assertThat(known.text()).isEqualTo("354 End data with <CR><LF>.<CR><LF>");
        remote.awaitAbandonedData(1);
        assertThat(remote.commands()).endsWith("RCPT TO:<bob@remote.test>", "DATA");
        assertThat(remote.messages()).isEmpty();
    }

    @Test
    void fallsBackToHeloWhenEhloIsRefused() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options().withoutEhlo());
        DeliveryReport report = agent(remote.port()).deliver(
                TestMessage.of("alice@example.test", BODY, "bob@remote.test").request("[127.0.0.1]"));

        assertThat(report.outcomes().get(0).status()).isEqualTo(Status.SENT);
        assertThat(remote.commands()).contains("HELO mail.example.test");
        assertThat(remote.commands()).noneMatch(c -> c.contains("SIZE="));
    }

    @Test
    void doesNotSendAMessageLargerThanTheAnnouncedSize() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options().extensions("SIZE 10", "PIPELINING"));
        DeliveryReport report = agent(remote.port()).deliver(
                TestMessage.of("alice@example.test", BODY, "bob@remote.test").request("[127.0.0.1]"));

        assertThat(report.outcomes().get(0).status()).isEqualTo(Status.BOUNCED);
        assertThat(report.outcomes().get(0).dsn()).isEqualTo("5.3.4");
        assertThat(remote.commands()).noneMatch(c -> c.startsWith("MAIL"));
    }

    @Test
    void nullMxBouncesAtOnce() throws Exception {
        dns.addMx("nomail.test", 0, ".");
        DeliveryReport report = agent(1).deliver(
                TestMessage.of("alice@example.test", BODY, "bob@nomail.test").request("nomail.test"));

        assertThat(report.outcomes().get(0).status()).isEqualTo(Status.BOUNCED);
        assertThat(report.outcomes().get(0).dsn()).isEqualTo("5.1.10");
        assertThat(report.outcomes().get(0).text()).contains("does not accept mail (nullMX)");
    }

    @Test
    void usesTheDomainItselfWhenItHasNoMx() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options());
        dns.addA("implicit.test", "127.0.0.1");
        DeliveryReport report = agent(remote.port()).deliver(
                TestMessage.of("alice@example.test", BODY, "bob@implicit.test").request("implicit.test"));

        assertThat(report.outcomes().get(0).status()).isEqualTo(Status.SENT);
        assertThat(report.outcomes().get(0).relay()).startsWith("implicit.test[127.0.0.1]");
    }

    @Test
    void anUnknownDomainBounces() throws Exception {
        DeliveryReport report = agent(1).deliver(
                TestMessage.of("alice@example.test", BODY, "bob@nowhere.test").request("nowhere.test"));
        assertThat(report.outcomes().get(0).status()).isEqualTo(Status.BOUNCED);
        assertThat(report.outcomes().get(0).text()).contains("Host or domain name not found");
    }

    @Test
    void aDnsFailureDefers() throws Exception {
        dns.servfail("broken.test");
        DeliveryReport report = agent(1).deliver(
                TestMessage.of("alice@example.test", BODY, "bob@broken.test").request("broken.test"));
        assertThat(report.outcomes().get(0).status()).isEqualTo(Status.DEFERRED);
        assertThat(report.outcomes().get(0).text()).contains("try again");
    }

    @Test
    void aRefusedConnectionDefers() throws Exception {
        int port = freePort();
        DeliveryReport report = agent(port).deliver(
                TestMessage.of("alice@example.test", BODY, "bob@remote.test").request("[127.0.0.1]"));
        assertThat(report.outcomes().get(0).status()).isEqualTo(Status.DEFERRED);
        assertThat(report.outcomes().get(0).relay()).isEqualTo("none");
        assertThat(report.outcomes().get(0).text())
                .isEqualTo("connect to 127.0.0.1[127.0.0.1]:" + port + ": Connection refused");
    }

    @Test
    void aBracketedNexthopWithPortSkipsTheMxLookup() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options());
        dns.addMx("relay.test", 10, "elsewhere.test");
        dns.addA("relay.test", "127.0.0.1");
        DeliveryReport report = agent(1).deliver(TestMessage.of("alice@example.test", BODY, "bob@remote.test")
                .request("[relay.test]:" + remote.port()));
        assertThat(report.outcomes().get(0).status()).isEqualTo(Status.SENT);
        assertThat(report.outcomes().get(0).relay()).isEqualTo("relay.test[127.0.0.1]:" + remote.port());
    }

    @Test
    void passesDsnParametersOn() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options());
        Envelope envelope = new Envelope(MailAddress.of("alice@example.test"),
                List.of(new Recipient(MailAddress.of("bob@remote.test"), "rfc822;bob+x@remote.test", "SUCCESS,FAILURE")),
                java.time.Instant.now(), ClientInfo.local("root"), "8BITMIME", "HDRS", "env id 1", false);
        TestMessage message = new TestMessage(envelope, BODY.getBytes(StandardCharsets.UTF_8));
        agent(remote.port()).deliver(message.request("[127.0.0.1]"));

        assertThat(remote.commands()).anyMatch(c -> c.startsWith("MAIL FROM:<alice@example.test>")
                && c.contains(" BODY=8BITMIME") && c.contains(" RET=HDRS") && c.contains(" ENVID=env+20id+201"));
        assertThat(remote.commands()).contains("RCPT TO:<bob@remote.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob+2Bx@remote.test");
    }

    @Test
    void bouncesAnInternationalAddressWhenThePeerLacksSmtputf8() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options().extensions("PIPELINING"));
        Envelope envelope = new Envelope(MailAddress.of("alice@example.test"),
                List.of(Recipient.of(MailAddress.of("jösé@remote.test"))), java.time.Instant.now(),
                ClientInfo.local("root"), null, null, null, true);
        DeliveryReport report = agent(remote.port())
                .deliver(new TestMessage(envelope, BODY.getBytes(StandardCharsets.UTF_8)).request("[127.0.0.1]"));
        assertThat(report.outcomes().get(0).status()).isEqualTo(Status.BOUNCED);
        assertThat(report.outcomes().get(0).dsn()).isEqualTo("5.6.7");
    }

    @Test
    void reusesTheConnectionForTheNextMessage() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options());
        SmtpDelivery agent = agent(remote.port(), "smtp_connection_cache_time_limit", "30s");
        for (int i = 0; i < 3; i++) {
            DeliveryReport r = agent.deliver(TestMessage.of("alice@example.test", BODY, "bob@remote.test").request("[127.0.0.1]"));
            assertThat(r.outcomes().get(0).status()).isEqualTo(Status.SENT);
        }
        assertThat(remote.awaitMessages(3)).hasSize(3);
        assertThat(remote.connections()).isEqualTo(1);
        assertThat(remote.commands()).filteredOn(c -> c.equals("RSET")).hasSize(2);
    }

    @Test
    void opportunisticTlsEncryptsWhenOffered() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.remote.test");
        FakeSmtpServer remote = remote(FakeSmtpServer.options().starttls(cert.serverContext()));
        dns.addMx("remote.test", 10, "mx.remote.test").addA("mx.remote.test", "127.0.0.1");
        DeliveryReport report = agent(remote.port(), "smtp_tls_security_level", "may")
                .deliver(TestMessage.of("alice@example.test", BODY, "bob@remote.test").request("remote.test"));

        assertThat(report.outcomes().get(0).status()).isEqualTo(Status.SENT);
        assertThat(remote.awaitMessages(1).get(0).tls()).isTrue();
        assertThat(log()).contains("Untrusted TLS connection established to mx.remote.test[127.0.0.1]:" + remote.port()
                + ": TLSv1.3 with cipher");
        assertThat(remote.commands()).filteredOn(c -> c.startsWith("EHLO")).hasSize(2);
    }

    @Test
    void presentsSmtpTlsCertFileToAServerThatAsksForAClientCertificate() throws Exception {
        org.bulwark.testing.TestCa ca = org.bulwark.testing.TestCa.create("Client CA");
        Path[] keyAndCert = ca.writeClientPem("relay-client", dir);
        FakeSmtpServer remote = remote(FakeSmtpServer.options()
                .starttls(ca.issueTrustingClients("mx.remote.test").serverContext()).wantClientCertificate());
        dns.addMx("remote.test", 10, "mx.remote.test").addA("mx.remote.test", "127.0.0.1");
        DeliveryReport report = agent(remote.port(), "smtp_tls_security_level", "encrypt",
                "smtp_tls_cert_file", keyAndCert[1].toString(), "smtp_tls_key_file", keyAndCert[0].toString())
                .deliver(TestMessage.of("alice@example.test", BODY, "bob@remote.test").request("remote.test"));

        assertThat(report.outcomes().get(0).status()).isEqualTo(Status.SENT);
        assertThat(remote.clientCertificates()).containsExactly("CN=relay-client");
    }

    @Test
    void aCertificateFromTheCaFileIsTrustedAndVerifiedByName() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("mx.remote.test");
        Path ca = cert.writePem(dir.resolve("ca.pem"));
        FakeSmtpServer remote = remote(FakeSmtpServer.options().starttls(cert.serverContext()));
        dns.addMx("remote.test", 10, "mx.remote.test").addA("mx.remote.test", "127.0.0.1");
        DeliveryReport report = agent(remote.port(), "smtp_tls_security_level", "verify", "smtp_tls_CAfile", ca.toString())
                .deliver(TestMessage.of("alice@example.test", BODY, "bob@remote.test").request("remote.test"));

        assertThat(report.outcomes().get(0).status()).isEqualTo(Status.SENT);
        assertThat(log()).contains("Verified TLS connection established to mx.remote.test[127.0.0.1]");
    }

    @Test
    void verifyRefusesACertificateForAnotherName() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("other.test");
        Path ca = cert.writePem(dir.resolve("ca.pem"));
        FakeSmtpServer remote = remote(FakeSmtpServer.options().starttls(cert.serverContext()));
        dns.addMx("remote.test", 10, "mx.remote.test").addA("mx.remote.test", "127.0.0.1");
        DeliveryReport report = agent(remote.port(), "smtp_tls_security_level", "secure", "smtp_tls_CAfile", ca.toString())
                .deliver(TestMessage.of("alice@example.test", BODY, "bob@remote.test").request("remote.test"));

        assertThat(report.outcomes().get(0).status()).isEqualTo(Status.DEFERRED);
        assertThat(report.outcomes().get(0).text()).contains("Server certificate not verified");
        assertThat(remote.messages()).isEmpty();
    }

    @Test
    void opportunisticTlsFallsBackToPlaintextWhenTheHandshakeFails() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options().brokenStarttls());
        DeliveryReport report = agent(remote.port(), "smtp_tls_security_level", "may")
                .deliver(TestMessage.of("alice@example.test", BODY, "bob@remote.test").request("[127.0.0.1]"));

        assertThat(report.outcomes().get(0).status()).isEqualTo(Status.SENT);
        assertThat(remote.awaitMessages(1).get(0).tls()).isFalse();
        assertThat(remote.connections()).isEqualTo(2);
        assertThat(log()).contains("trying again without TLS");
    }

    @Test
    void encryptDoesNotFallBackToPlaintext() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options().brokenStarttls());
        DeliveryReport report = agent(remote.port(), "smtp_tls_security_level", "encrypt")
                .deliver(TestMessage.of("alice@example.test", BODY, "bob@remote.test").request("[127.0.0.1]"));

        assertThat(report.outcomes().get(0).status()).isEqualTo(Status.DEFERRED);
        assertThat(report.outcomes().get(0).dsn()).isEqualTo("4.7.5");
        assertThat(remote.messages()).isEmpty();
    }

    @Test
    void encryptRefusesAServerWithoutStarttls() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options());
        DeliveryReport report = agent(remote.port(), "smtp_tls_security_level", "encrypt")
                .deliver(TestMessage.of("alice@example.test", BODY, "bob@remote.test").request("[127.0.0.1]"));

        assertThat(report.outcomes().get(0).status()).isEqualTo(Status.DEFERRED);
        assertThat(report.outcomes().get(0).dsn()).isEqualTo("4.7.4");
        assertThat(report.outcomes().get(0).text()).isEqualTo("TLS is required, but was not offered by host 127.0.0.1[127.0.0.1]");
        assertThat(remote.commands()).noneMatch(c -> c.startsWith("MAIL"));
    }

    @Test
    void aFailedDataReplyAppliesToEveryAcceptedRecipient() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options().dataReply(c -> "554 5.7.1 Message rejected as spam"));
        DeliveryReport report = agent(remote.port()).deliver(
                TestMessage.of("alice@example.test", BODY, "a@remote.test", "b@remote.test").request("[127.0.0.1]"));
        assertThat(report.outcomes()).extracting(Outcome::status).containsExactly(Status.BOUNCED, Status.BOUNCED);
        assertThat(report.outcomes().get(0).text()).endsWith("(in reply to end of DATA command)");
    }

    @Test
    void aServerThatRefusesToTalkMakesWayForTheNextMx() throws Exception {
        FakeSmtpServer remote = remote(FakeSmtpServer.options()
                .greeting(n -> n == 1 ? "421 4.3.2 Service shutting down" : "220 fake.remote.test ESMTP"));
        dns.addMx("remote.test", 10, "mx1.remote.test").addMx("remote.test", 20, "mx2.remote.test")
                .addA("mx1.remote.test", "127.0.0.1").addA("mx2.remote.test", "127.0.0.1");
        DeliveryReport report = agent(remote.port()).deliver(
                TestMessage.of("alice@example.test", BODY, "bob@remote.test").request("remote.test"));

        assertThat(report.outcomes().get(0).status()).isEqualTo(Status.SENT);
        assertThat(report.outcomes().get(0).relay()).startsWith("mx2.remote.test[127.0.0.1]");
        assertThat(remote.connections()).isEqualTo(2);
    }

    @Test
    void aSilentServerTimesOutAtTheGreeting() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 5, java.net.InetAddress.getByName("127.0.0.1"))) {
            DeliveryReport report = agent(silent.getLocalPort(), "smtp_helo_timeout", "1s").deliver(
                    TestMessage.of("alice@example.test", BODY, "bob@remote.test").request("[127.0.0.1]"));
            assertThat(report.outcomes().get(0).status()).isEqualTo(Status.DEFERRED);
            assertThat(report.outcomes().get(0).text()).isEqualTo(
                    "conversation with 127.0.0.1[127.0.0.1] timed out while receiving the initial server greeting");
        }
    }

    static int freePort() {
        return FreePorts.next();
    }
}
