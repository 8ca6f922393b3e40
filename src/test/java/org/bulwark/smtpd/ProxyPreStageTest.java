package org.bulwark.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.bulwark.mail.ClientInfo;
import org.bulwark.testing.OpensslCertificates;
import org.bulwark.testing.OpensslCertificates.KeyForm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PROXY protocol pre-stage byte by byte, with the header written by the test as a proxy
 * would: what follows the header in the same segment is the session's, the header's client is
 * the session's client, and in wrapper mode the header comes before the TLS handshake.
 */
class ProxyPreStageTest {

    private static final Map<String, String> PROXIED = Map.of("smtpd_upstream_proxy_protocol", "haproxy");

    @TempDir
    Path dir;

    private static byte[] v2(int command, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(16 + body.length);
        b.put(new byte[] {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n'});
        b.put((byte) (0x20 | command)).put((byte) (command == 0 ? 0 : 0x11)).putShort((short) body.length).put(body);
        return b.array();
    }

    /** TCP4 192.0.2.7:40000 to 127.0.0.1:25, with PP2_TYPE_SSL when {@code tls}. */
    private static byte[] v2Tcp4(boolean tls) {
        return v2Tcp4(tls, true);
    }

    private static byte[] v2Tcp4(boolean tls, boolean withCipher) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {(byte) 192, 0, 2, 7, 127, 0, 0, 1, (byte) 0x9c, 0x40, 0, 25});
        if (tls) {
            byte[] version = "TLSv1.3".getBytes(StandardCharsets.US_ASCII);
            byte[] cipher = withCipher ? "TLS_AES_256_GCM_SHA384".getBytes(StandardCharsets.US_ASCII) : new byte[0];
            int length = 5 + 3 + version.length + (withCipher ? 3 + cipher.length : 0);
            body.writeBytes(new byte[] {0x20, 0, (byte) length, 0x01, 0, 0, 0, 0});
            body.writeBytes(new byte[] {0x21, 0, (byte) version.length});
            body.writeBytes(version);
            if (withCipher) {
                body.writeBytes(new byte[] {0x23, 0, (byte) cipher.length});
                body.writeBytes(cipher);
            }
        }
        return v2(1, body.toByteArray());
    }

    private static byte[] concat(byte[] header, String smtp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        out.writeBytes(smtp.getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    @Test
    void smtpSentInTheSameSegmentAsAVersion1HeaderIsTheSessions() throws Exception {
        try (ServerFixture fx = new ServerFixture(PROXIED); SmtpClient c = fx.client()) {
            c.write("PROXY TCP4 192.0.2.7 127.0.0.1 40000 25\r\nEHLO client.example\r\n");

            assertThat(c.reply()).startsWith("220 mx.example.org ESMTP");
            assertThat(c.reply()).startsWith("250-mx.example.org");
            assertThat(c.send("MAIL FROM:<a@remote.example>")).startsWith("250");
            assertThat(c.send("RCPT TO:<victim@elsewhere.example>")).contains("Relay access denied");
            c.send("QUIT");
            assertThat(fx.logAfterSessions()).contains("connect from unknown[192.0.2.7]",
                    "disconnect from unknown[192.0.2.7]");
        }
    }

    @Test
    void aVersion2HeaderNamesTheClientAndItsTlsWithTheProxy() throws Exception {
        Map<String, String> settings = new HashMap<>(PROXIED);
        settings.put("smtpd_tls_received_header", "yes");
        try (ServerFixture fx = new ServerFixture(settings); SmtpClient c = fx.client()) {
            c.write(concat(v2Tcp4(true), "EHLO client.example\r\n"));

            assertThat(c.reply()).startsWith("220 ");
            assertThat(c.reply()).startsWith("250-mx.example.org");
            assertThat(c.send("MAIL FROM:<a@remote.example>")).startsWith("250");
            assertThat(c.send("RCPT TO:<b@example.org>")).startsWith("250");
            assertThat(c.send("DATA")).startsWith("354");
            assertThat(c.send("Subject: x\r\n\r\nhello\r\n.")).startsWith("250");
            c.send("QUIT");
            ClientInfo client = fx.intake.committed.get(0).envelope().client();
            assertThat(client.address()).isEqualTo("192.0.2.7");
            assertThat(client.protocol()).isEqualTo("ESMTPS");
            assertThat(client.tls()).isEqualTo("TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)");
        }
    }

    @Test
    void tlsWithTheProxyWithoutItsCipherStillMakesTheSessionEncrypted() throws Exception {
        try (ServerFixture fx = new ServerFixture(PROXIED); SmtpClient c = fx.client()) {
            c.write(concat(v2Tcp4(true, false), "EHLO client.example\r\n"));

            assertThat(c.reply()).startsWith("220 ");
            assertThat(c.reply()).startsWith("250-mx.example.org");
            assertThat(c.send("MAIL FROM:<a@remote.example>")).startsWith("250");
            assertThat(c.send("RCPT TO:<b@example.org>")).startsWith("250");
            assertThat(c.send("DATA")).startsWith("354");
            assertThat(c.send("Subject: x\r\n\r\nhello\r\n.")).startsWith("250");
            c.send("QUIT");
            assertThat(fx.intake.committed.get(0).envelope().client().protocol()).isEqualTo("ESMTPS");
        }
    }

    @Test
    void aVersion2HeaderWithoutTlsLeavesTheSessionPlain() throws Exception {
        try (ServerFixture fx = new ServerFixture(PROXIED); SmtpClient c = fx.client()) {
            c.write(concat(v2Tcp4(false), "EHLO client.example\r\n"));

            assertThat(c.reply()).startsWith("220 ");
            assertThat(c.reply()).startsWith("250-mx.example.org");
            assertThat(c.send("MAIL FROM:<a@remote.example>")).startsWith("250");
            assertThat(c.send("RCPT TO:<b@example.org>")).startsWith("250");
            assertThat(c.send("DATA")).startsWith("354");
            assertThat(c.send("Subject: x\r\n\r\nhello\r\n.")).startsWith("250");
            c.send("QUIT");
            ClientInfo client = fx.intake.committed.get(0).envelope().client();
            assertThat(client.address()).isEqualTo("192.0.2.7");
            assertThat(client.protocol()).isEqualTo("ESMTP");
        }
    }

    @Test
    void clientLimitsCountTheRealClientsNotTheProxy() throws Exception {
        Map<String, String> settings = new HashMap<>(PROXIED);
        settings.put("smtpd_client_connection_count_limit", "1");
        try (ServerFixture fx = new ServerFixture(settings); SmtpClient first = fx.client();
                SmtpClient again = fx.client(); SmtpClient other = fx.client()) {
            first.write("PROXY TCP4 192.0.2.7 127.0.0.1 40000 25\r\n");
            assertThat(first.reply()).startsWith("220 ");

            again.write("PROXY TCP4 192.0.2.7 127.0.0.1 40001 25\r\n");
            other.write("PROXY TCP4 192.0.2.8 127.0.0.1 40000 25\r\n");

            assertThat(again.reply()).isEqualTo("421 4.7.0 mx.example.org Error: too many connections from 192.0.2.7");
            assertThat(other.reply()).startsWith("220 ");
        }
    }

    @Test
    void aClientOfAProtocolThatInetProtocolsLeavesOutIsRefused() throws Exception {
        Map<String, String> settings = new HashMap<>(PROXIED);
        settings.put("inet_protocols", "ipv4");
        try (ServerFixture fx = new ServerFixture(settings); SmtpClient c = fx.client()) {
            c.write("PROXY TCP6 2001:db8::7 ::1 40000 25\r\n");

            assertThat(c.reply()).isEqualTo("421 4.3.0 mx.example.org Server local error");
            assertThat(fx.logAfterSessions()).contains(
                    "warning: haproxy read: bad or missing protocol type: PROXY TCP6 2001:db8::7 ::1 40000 25\\r\\n")
                    .doesNotContain("2001:db8::7]");
        }
    }

    @Test
    void theProxysOwnHealthCheckIsTheConnectionItself() throws Exception {
        try (ServerFixture fx = new ServerFixture(PROXIED); SmtpClient c = new SmtpClient(fx.port(), "127.0.0.2")) {
            c.write(concat(v2(0, new byte[0]), "EHLO proxy.example\r\n"));

            assertThat(c.reply()).startsWith("220 ");
            assertThat(c.reply()).startsWith("250-");
            c.send("QUIT");
            assertThat(fx.logAfterSessions()).contains("connect from unknown[127.0.0.2]");
        }
    }

    @Test
    void withoutAProxyProtocolAHeaderIsAnUnknownCommand() throws Exception {
        try (ServerFixture fx = new ServerFixture(Map.of()); SmtpClient c = fx.client()) {
            assertThat(c.reply()).startsWith("220 ");
            assertThat(c.send("PROXY TCP4 192.0.2.7 127.0.0.1 40000 25")).startsWith("502 5.5.2");
            c.send("QUIT");
            assertThat(fx.logAfterSessions()).contains("connect from unknown[127.0.0.1]")
                    .doesNotContain("192.0.2.7]");
        }
    }

    @Test
    void inWrapperModeTheHeaderComesBeforeTheTlsHandshake() throws Exception {
        Path chain = OpensslCertificates.chainFile(dir, "server", KeyForm.EC, "mx.example.org");
        Map<String, String> settings = new HashMap<>(PROXIED);
        settings.put("smtpd_tls_security_level", "encrypt");
        settings.put("smtpd_tls_chain_files", chain.toString());
        settings.put("smtpd_tls_wrappermode", "yes");
        settings.put("smtpd_tls_loglevel", "1");
        try (ServerFixture fx = new ServerFixture(settings); SmtpClient c = fx.client()) {
            c.write("PROXY TCP6 2001:db8::7 ::1 40000 465\r\n");
            c.handshake();

            assertThat(c.reply()).startsWith("220 mx.example.org ESMTP");
            assertThat(c.send("EHLO client.example")).startsWith("250-");
            c.send("QUIT");
            assertThat(fx.logAfterSessions()).contains("connect from unknown[2001:db8::7]",
                    "TLS connection established from unknown[2001:db8::7]");
        }
    }
}
