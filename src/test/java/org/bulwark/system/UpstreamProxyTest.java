package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bulwark.testing.Haproxy;
import org.bulwark.testing.OpensslCertificates;
import org.bulwark.testing.OpensslCertificates.KeyForm;
import org.bulwark.testing.Peers;
import org.bulwark.testing.Postgrey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * smtpd_upstream_proxy_protocol = haproxy behind a real haproxy: the client the PROXY header
 * names (127.0.0.2, outside mynetworks = 127.0.0.1/32) is the client, not the proxy on
 * 127.0.0.1, so a relay attempt through the proxy is refused where taking the proxy's address
 * would make an open relay. A connection without a header is never greeted.
 */
class UpstreamProxyTest {

    private static final String OUTSIDE = "127.0.0.2";

    @TempDir
    Path root;

    private MailSystemFixture system;
    private Haproxy haproxy;

    @AfterEach
    void stop() throws Exception {
        if (haproxy != null) {
            haproxy.close();
        }
        if (system != null) {
            system.close();
        }
    }

    private void start(String sendProxy) throws Exception {
        system = new MailSystemFixture(root).set("smtpd_upstream_proxy_protocol", "haproxy")
                .set("smtpd_upstream_proxy_timeout", "2s").start();
        haproxy = Haproxy.start(Files.createDirectories(root.resolve("haproxy")), system.port(), sendProxy);
    }

    @ParameterizedTest
    @ValueSource(strings = {"send-proxy", "send-proxy-v2"})
    void aRelayAttemptThroughTheProxyIsJudgedByTheRealClient(String sendProxy) throws Exception {
        start(sendProxy);

        String reply = SmtpDialogue.rcpt(haproxy.port(), OUTSIDE, "client.example", "someone@remote.example",
                "victim@elsewhere.example");

        assertThat(reply).isEqualTo("554 5.7.1 <victim@elsewhere.example>: Relay access denied");
        String log = system.awaitLog("disconnect from unknown[127.0.0.2]");
        assertThat(log).contains("connect from unknown[127.0.0.2]",
                "NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 554 5.7.1 <victim@elsewhere.example>: Relay access"
                        + " denied;");
        assertThat(log).doesNotContain("connect from unknown[127.0.0.1]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"send-proxy", "send-proxy-v2"})
    void mailForALocalMailboxThroughTheProxyIsAcceptedAndNamesTheRealClient(String sendProxy) throws Exception {
        start(sendProxy);

        String reply = SmtpDialogue.send(haproxy.port(), OUTSIDE, "client.example", "someone@remote.example",
                "alice@example.test", "Subject: through the proxy\n\nhello\n");

        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        Path message = system.awaitDelivered("alice", 1).get(0);
        assertThat(Files.readString(message)).contains("from client.example (unknown [127.0.0.2])");
        assertThat(system.awaitLog("disconnect from unknown[127.0.0.2]")).contains("client=unknown[127.0.0.2]");
    }

    @Test
    void aDirectConnectionWithoutAHeaderIsDroppedNotGreeted() throws Exception {
        start("send-proxy");

        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), OUTSIDE)) {
            smtp.send("EHLO client.example\r\n");
            assertThat(smtp.reply()).isEqualTo("421 4.3.0 mail.example.test Server local error");
            assertThat(smtp.reply()).isEmpty();
        }
        String log = system.awaitLog("disconnect from unknown[127.0.0.2]");
        assertThat(log).contains("warning: haproxy read: unrecognized protocol header: E")
                .doesNotContain("220 ");
    }

    @Test
    void aDirectConnectionThatSendsNothingTimesOut() throws Exception {
        start("send-proxy-v2");

        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), OUTSIDE)) {
            assertThat(smtp.reply()).isEqualTo("421 4.3.0 mail.example.test Server local error");
        }
        system.awaitLog("warning: haproxy read: timeout error");
    }

    @Test
    void aForgedHeaderFromADirectClientIsRefusedWhenItDoesNotNameAClient() throws Exception {
        start("send-proxy");

        try (SmtpDialogue smtp = new SmtpDialogue(system.port(), OUTSIDE)) {
            smtp.send("PROXY UNKNOWN\r\nEHLO client.example\r\n");
            assertThat(smtp.reply()).isEqualTo("421 4.3.0 mail.example.test Server local error");
        }
        system.awaitLog("warning: haproxy read: bad or missing protocol type: PROXY UNKNOWN\\r\\n");
    }

    private MailSystemFixture.ProcessResult swaks(int port, String to, String... extra) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Peers.swaks(), "--server", "127.0.0.1", "--port",
                Integer.toString(port), "--local-interface", OUTSIDE, "--from", "someone@remote.example", "--to", to,
                "--helo", "client.example", "--timeout", "20"));
        command.addAll(List.of(extra));
        return MailSystemFixture.run(command, null);
    }

    @Test
    void inWrapperModeTheProxysHeaderComesBeforeTheTlsHandshake() throws Exception {
        Path chain = OpensslCertificates.chainFile(Files.createDirectories(root.resolve("tls")), "server", KeyForm.EC,
                "mail.example.test");
        system = new MailSystemFixture(root).set("smtpd_tls_chain_files", chain.toString())
                .set("smtpd_tls_loglevel", "1");
        int smtps = MailSystemFixture.freePort();
        system.service("127.0.0.1:" + smtps + " inet n - n - - smtpd\n  -o syslog_name=postfix/smtps\n"
                + "  -o smtpd_tls_wrappermode=yes\n  -o smtpd_upstream_proxy_protocol=haproxy").start();
        haproxy = Haproxy.start(Files.createDirectories(root.resolve("haproxy")), smtps, "send-proxy");

        MailSystemFixture.ProcessResult relay = swaks(haproxy.port(), "victim@elsewhere.example", "--tlsc",
                "--quit-after", "RCPT");

        assertThat(relay.output()).contains("<~* 554 5.7.1 <victim@elsewhere.example>: Relay access denied");
        String log = system.awaitLog("disconnect from unknown[127.0.0.2]");
        assertThat(log).contains("postfix/smtps/smtpd", "connect from unknown[127.0.0.2]",
                "TLS connection established from unknown[127.0.0.2]");
    }

    @Test
    void tlsEndedAtTheProxyIsNamedInTheReceivedHeader() throws Exception {
        Path chain = OpensslCertificates.chainFile(Files.createDirectories(root.resolve("tls")), "proxy", KeyForm.EC,
                "mail.example.test");
        system = new MailSystemFixture(root).set("smtpd_upstream_proxy_protocol", "haproxy")
                .set("smtpd_tls_received_header", "yes").start();
        haproxy = Haproxy.start(Files.createDirectories(root.resolve("haproxy")), "ssl crt " + chain, system.port(),
                "send-proxy-v2-ssl proxy-v2-options ssl-cipher");

        MailSystemFixture.ProcessResult sent = swaks(haproxy.port(), "alice@example.test", "--tlsc");

        assertThat(sent.output()).contains("<~  250 2.0.0 Ok: queued as ");
        String message = Files.readString(system.awaitDelivered("alice", 1).get(0));
        assertThat(message).containsPattern("from client\\.example \\(unknown \\[127\\.0\\.0\\.2\\]\\)\\s+\\(using TLSv1\\.[23]"
                + " with cipher \\S+ \\(\\d+/\\d+ bits\\)\\)").containsPattern("with ESMTPS id ");
    }

    @Test
    void aPolicyServerIsAskedAboutTheRealClient() throws Exception {
        try (Postgrey postgrey = Postgrey.start(Files.createDirectories(root.resolve("postgrey")), 60)) {
            system = new MailSystemFixture(root).set("smtpd_upstream_proxy_protocol", "haproxy")
                    .set("smtpd_recipient_restrictions", "permit_mynetworks, reject_unauth_destination,"
                            + " check_policy_service inet:127.0.0.1:" + postgrey.port()).start();
            haproxy = Haproxy.start(Files.createDirectories(root.resolve("haproxy")), system.port(), "send-proxy-v2");

            String reply = SmtpDialogue.rcpt(haproxy.port(), OUTSIDE, "client.example", "someone@remote.example",
                    "alice@example.test");

            assertThat(reply).startsWith("450 4.2.0 <alice@example.test>: Recipient address rejected: Greylisted");
            assertThat(postgrey.log()).contains("action=greylist, reason=new").contains("client_address=127.0.0.2");
        }
    }
}
