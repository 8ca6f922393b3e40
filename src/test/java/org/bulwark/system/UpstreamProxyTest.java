package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bulwark.testing.Haproxy;
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
}
