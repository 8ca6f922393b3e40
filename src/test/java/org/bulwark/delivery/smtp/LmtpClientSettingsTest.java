package org.bulwark.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.bulwark.config.ConfigException;
import org.bulwark.delivery.TestMessage;
import org.bulwark.mail.ClientInfo;
import org.bulwark.mail.Envelope;
import org.bulwark.mail.MailAddress;
import org.bulwark.mail.Recipient;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.bulwark.testing.FakeSmtpServer;
import org.bulwark.testing.FreePorts;
import org.bulwark.testing.TestCa;
import org.bulwark.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LMTP client honours the lmtp_* copies of the SMTP client's TLS, SASL, XFORWARD, policy table
 * and fallback settings (postconf(5): "the LMTP-specific version of the smtp_X configuration
 * parameter"), against a scripted LMTP server that offers STARTTLS and demands AUTH; the smtp_*
 * names alone leave it alone.
 */
class LmtpClientSettingsTest {

    private static final String BODY = "Subject: to the store\n\nhi\n";
    private static final String HOST = "lmtp.example.test";
    private static final String PLAIN_OK = b64("\0store-user\0s3cret");

    @TempDir
    Path dir;

    private DeliveryTestBed bed;
    private TestCa ca;
    private Path caFile;

    @BeforeEach
    void start() throws Exception {
        bed = DeliveryTestBed.start();
        bed.dns.addA(HOST, "127.0.0.1");
        ca = TestCa.create("Store CA");
        caFile = new TestCertificates(ca.certificate(), null).writePem(dir.resolve("ca.pem"));
    }

    @AfterEach
    void stop() throws Exception {
        bed.close();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** An LMTP server with a certificate from the test CA that takes mail only after AUTH PLAIN. */
    private FakeSmtpServer store(String... extensions) throws Exception {
        boolean[] authenticated = new boolean[1];
        List<String> offered = new java.util.ArrayList<>(List.of("PIPELINING", "ENHANCEDSTATUSCODES", "AUTH PLAIN"));
        offered.addAll(List.of(extensions));
        return bed.remote(FakeSmtpServer.options().lmtp().extensions(offered.toArray(String[]::new))
                .starttls(ca.issue(HOST).serverContext())
                .auth(line -> {
                    authenticated[0] = line.equals("AUTH PLAIN " + PLAIN_OK);
                    return authenticated[0] ? "235 2.7.0 Authentication successful"
                            : "535 5.7.8 Error: authentication failed";
                })
                .mailReply(from -> authenticated[0] ? "250 2.1.0 Ok" : "530 5.7.0 Authentication required"));
    }

    /** A plain LMTP server without TLS or AUTH. */
    private FakeSmtpServer plainStore(String... extensions) throws Exception {
        return bed.remote(FakeSmtpServer.options().lmtp().extensions(extensions));
    }

    private Path passwords(String lines) throws Exception {
        Path file = dir.resolve("lmtp_passwd");
        Files.writeString(file, lines);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private Outcome send(String nexthop, String... settings) {
        return bed.lmtpAgent(settings).deliver(TestMessage.of("alice@example.test", BODY, "bob@example.test")
                .request(nexthop)).outcomes().get(0);
    }

    private String[] tlsAndLogin(FakeSmtpServer server, String... more) throws Exception {
        Path passwd = passwords(HOST + ":" + server.port() + " store-user:s3cret\n");
        List<String> all = new java.util.ArrayList<>(List.of(
                "lmtp_tls_security_level", "encrypt", "lmtp_tls_CAfile", caFile.toString(),
                "lmtp_sasl_auth_enable", "yes", "lmtp_sasl_password_maps", "texthash:" + passwd,
                // SASL_README: over TLS the plaintext mechanisms may be used.
                "lmtp_sasl_tls_security_options", "noanonymous"));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void encryptsWithTheCaFileAndLogsInWithPlainOverTls() throws Exception {
        FakeSmtpServer server = store();
        Outcome outcome = send("inet:" + HOST + ":" + server.port(), tlsAndLogin(server));

        assertThat(outcome.status()).as(outcome.text() + bed.logText()).isEqualTo(Status.SENT);
        assertThat(server.commands()).containsSubsequence("LHLO mail.example.test", "STARTTLS",
                "LHLO mail.example.test", "AUTH PLAIN " + PLAIN_OK, "MAIL FROM:<alice@example.test>");
        assertThat(server.awaitMessages(1).get(0).tls()).isTrue();
        assertThat(bed.logText()).contains("postfix/lmtp[")
                .contains("Trusted TLS connection established to " + HOST + "[127.0.0.1]:" + server.port());
    }

    @Test
    void verifiesTheServerNameAgainstTheCaFile() throws Exception {
        FakeSmtpServer server = store();
        Outcome outcome = send("inet:" + HOST + ":" + server.port(),
                tlsAndLogin(server, "lmtp_tls_security_level", "verify"));

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(bed.logText()).contains("Verified TLS connection established to " + HOST);
    }

    @Test
    void aServerTheCaFileDoesNotVouchForIsNotVerified() throws Exception {
        FakeSmtpServer server = store();
        Path otherCa = new TestCertificates(TestCa.create("Other CA").certificate(), null)
                .writePem(dir.resolve("other.pem"));
        Outcome outcome = send("inet:" + HOST + ":" + server.port(),
                tlsAndLogin(server, "lmtp_tls_security_level", "verify", "lmtp_tls_CAfile", otherCa.toString()));

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(server.messages()).isEmpty();
        assertThat(server.commands()).noneMatch(c -> c.startsWith("AUTH"));
    }

    @Test
    void aTrustAnchorFileVerifiesWithoutTheCaFile() throws Exception {
        FakeSmtpServer server = store();
        Outcome outcome = send("inet:" + HOST + ":" + server.port(), tlsAndLogin(server,
                "lmtp_tls_security_level", "verify", "lmtp_tls_CAfile", "",
                "lmtp_tls_trust_anchor_file", caFile.toString()));

        assertThat(outcome.status()).as(outcome.text() + bed.logText()).isEqualTo(Status.SENT);
        assertThat(bed.logText()).contains("Verified TLS connection established to " + HOST);
    }

    /** lmtp_sasl_auth_cache_name: the LMTP client remembers a 535 and does not try that login again. */
    @Test
    void lmtpSaslAuthCacheNameRemembersARefusedLogin() throws Exception {
        FakeSmtpServer server = store();
        Path passwd = passwords(HOST + ":" + server.port() + " store-user:wrong\n");
        String[] settings = {"lmtp_tls_security_level", "encrypt", "lmtp_tls_CAfile", caFile.toString(),
                "lmtp_sasl_auth_enable", "yes", "lmtp_sasl_password_maps", "texthash:" + passwd,
                "lmtp_sasl_tls_security_options", "noanonymous",
                "lmtp_sasl_auth_cache_name", "proxy:btree:" + dir.resolve("lmtp_sasl_auth_cache")};

        Outcome first = send("inet:" + HOST + ":" + server.port(), settings);
        Outcome second = send("inet:" + HOST + ":" + server.port(), settings);

        assertThat(first.status()).isEqualTo(Status.DEFERRED);
        assertThat(first.text()).startsWith("SASL authentication failed; server " + HOST + "[127.0.0.1] said: 535 5.7.8");
        assertThat(second.status()).isEqualTo(Status.DEFERRED);
        assertThat(second.dsn()).isEqualTo("4.7.8");
        assertThat(second.text()).isEqualTo("SASL [CACHED] authentication failed; server " + HOST
                + " said: 535 5.7.8 Error: authentication failed");
        assertThat(server.commands().stream().filter(c -> c.startsWith("AUTH "))).hasSize(1);
    }

    @Test
    void theSmtpSaslSettingsDoNotLogTheLmtpClientIn() throws Exception {
        FakeSmtpServer server = store();
        Path passwd = passwords(HOST + ":" + server.port() + " store-user:s3cret\n");
        Outcome outcome = send("inet:" + HOST + ":" + server.port(),
                "lmtp_tls_security_level", "encrypt", "lmtp_tls_CAfile", caFile.toString(),
                "smtp_sasl_auth_enable", "yes", "smtp_sasl_password_maps", "texthash:" + passwd,
                "smtp_sasl_tls_security_options", "noanonymous");

        assertThat(server.commands()).noneMatch(c -> c.startsWith("AUTH"));
        assertThat(outcome.status()).isEqualTo(Status.BOUNCED);
        assertThat(outcome.text()).contains("530 5.7.0 Authentication required");
    }

    @Test
    void lmtpSaslAuthEnableWithoutAPasswordTableIsRefusedAtStart() {
        assertThatThrownBy(() -> bed.lmtpAgent("lmtp_sasl_auth_enable", "yes"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("lmtp_sasl_auth_enable = yes needs a password table: specify one with"
                        + " lmtp_sasl_password_maps");
    }

    @Test
    void sendsXforwardWhenAskedAndTheServerOffersIt() throws Exception {
        FakeSmtpServer server = plainStore("PIPELINING", "XFORWARD NAME ADDR PROTO HELO SOURCE IDENT");
        ClientInfo client = new ClientInfo("mail.example.com", "192.0.2.9", "helo name", "ESMTP", null);
        TestMessage message = new TestMessage(Envelope.of(MailAddress.of("alice@example.com"),
                List.of(Recipient.of(MailAddress.of("bob@example.test"))), client),
                "Subject: x\n\nbody\n".getBytes(StandardCharsets.UTF_8));

        Outcome plain = bed.lmtpAgent("smtp_send_xforward_command", "yes")
                .deliver(message.request("inet:127.0.0.1:" + server.port())).outcomes().get(0);
        assertThat(plain.status()).isEqualTo(Status.SENT);
        assertThat(server.commands()).noneMatch(c -> c.startsWith("XFORWARD"));

        Outcome forwarded = bed.lmtpAgent("lmtp_send_xforward_command", "yes")
                .deliver(message.request("inet:127.0.0.1:" + server.port())).outcomes().get(0);
        assertThat(forwarded.status()).isEqualTo(Status.SENT);
        assertThat(server.commands()).containsSubsequence("XFORWARD NAME=mail.example.com ADDR=192.0.2.9",
                "XFORWARD PROTO=ESMTP HELO=helo+20name IDENT=ABCDEF1234 SOURCE=REMOTE",
                "MAIL FROM:<alice@example.com>");
    }

    /**
     * lmtp_address_verify_target = data: the LMTP client's probe goes on to DATA, the store's
     * refusal there is the verdict; smtp_address_verify_target alone leaves the LMTP client at RCPT.
     */
    @Test
    void lmtpAddressVerifyTargetDataTakesTheProbeToData() throws Exception {
        FakeSmtpServer server = bed.remote(FakeSmtpServer.options().lmtp().extensions("PIPELINING", "ENHANCEDSTATUSCODES")
                .dataCommandReply("550 5.2.2 Mailbox full"));
        String nexthop = "inet:127.0.0.1:" + server.port();

        Outcome atRcpt = bed.lmtpAgent("smtp_address_verify_target", "data")
                .deliver(TestMessage.probe("bob@example.test").request(nexthop)).outcomes().get(0);
        assertThat(atRcpt.status()).isEqualTo(Status.SENT);
        assertThat(server.commands()).doesNotContain("DATA");

        Outcome atData = bed.lmtpAgent("lmtp_address_verify_target", "data")
                .deliver(TestMessage.probe("bob@example.test").request(nexthop)).outcomes().get(0);
        assertThat(atData.status()).isEqualTo(Status.BOUNCED);
        assertThat(atData.dsn()).isEqualTo("5.2.2");
        assertThat(atData.text()).isEqualTo("host 127.0.0.1[127.0.0.1] said: 550 5.2.2 Mailbox full"
                + " (in reply to DATA command)");
        assertThat(server.commands()).containsSubsequence("RCPT TO:<bob@example.test>", "DATA", "RSET");
        assertThat(server.messages()).isEmpty();
    }

    @Test
    void thePolicyTableSetsTheLevelPerDestination() throws Exception {
        FakeSmtpServer listed = store();
        FakeSmtpServer unlisted = bed.remote(FakeSmtpServer.options().lmtp()
                .starttls(ca.issue(HOST).serverContext()));
        Path table = dir.resolve("tls_policy");
        Files.writeString(table, HOST + ":" + listed.port() + " verify match=" + HOST + "\n"
                + HOST + ":" + unlisted.port() + " none\n");
        Path passwd = passwords(HOST + ":" + listed.port() + " store-user:s3cret\n");
        String[] settings = {"lmtp_tls_security_level", "encrypt", "lmtp_tls_CAfile", caFile.toString(),
            "lmtp_tls_policy_maps", "texthash:" + table, "lmtp_sasl_auth_enable", "yes",
            "lmtp_sasl_password_maps", "texthash:" + passwd, "lmtp_sasl_tls_security_options", "noanonymous"};

        assertThat(send("inet:" + HOST + ":" + listed.port(), settings).status()).isEqualTo(Status.SENT);
        assertThat(listed.awaitMessages(1).get(0).tls()).isTrue();
        assertThat(bed.logText()).contains("Verified TLS connection established to " + HOST + "[127.0.0.1]:"
                + listed.port());

        // "none" for this destination wins over lmtp_tls_security_level = encrypt.
        assertThat(send("inet:" + HOST + ":" + unlisted.port(), settings).status()).isEqualTo(Status.SENT);
        assertThat(unlisted.awaitMessages(1).get(0).tls()).isFalse();
        assertThat(unlisted.commands()).doesNotContain("STARTTLS");
    }

    @Test
    void aBadPolicyTableEntryIsRefusedAtStartUnderItsLmtpName() throws Exception {
        Path table = dir.resolve("tls_policy");
        Files.writeString(table, HOST + ":24 sometimes\n");

        assertThatThrownBy(() -> bed.lmtpAgent("lmtp_tls_policy_maps", "texthash:" + table))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("lmtp_tls_policy_maps texthash:" + table);
    }

    @Test
    void theFallbackRelayTakesTheMailWhenTheLmtpServerIsDown() throws Exception {
        FakeSmtpServer fallback = plainStore("PIPELINING");
        int down = FreePorts.next();
        Outcome outcome = send("inet:127.0.0.1:" + down, "lmtp_fallback_relay", "[127.0.0.1]:" + fallback.port());

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(outcome.relay()).isEqualTo("127.0.0.1[127.0.0.1]:" + fallback.port());
        assertThat(fallback.awaitMessages(1)).hasSize(1);
    }

    @Test
    void aFallbackRelayIsReachedByItsAddressNotItsMx() throws Exception {
        FakeSmtpServer fallback = plainStore("PIPELINING");
        bed.dns.addA("fallback.example.test", "127.0.0.1").addMx("fallback.example.test", 10, "nowhere.example.test");
        Outcome outcome = send("inet:127.0.0.1:" + FreePorts.next(),
                "lmtp_fallback_relay", "fallback.example.test:" + fallback.port());

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(outcome.relay()).isEqualTo("fallback.example.test[127.0.0.1]:" + fallback.port());
    }

    @Test
    void presentsTheLmtpClientCertificateToAServerThatAsksForOne() throws Exception {
        Path[] keyAndCert = ca.writeClientPem("lmtp-client", dir);
        FakeSmtpServer server = bed.remote(FakeSmtpServer.options().lmtp()
                .starttls(ca.issueTrustingClients(HOST).serverContext()).wantClientCertificate());
        String nexthop = "inet:" + HOST + ":" + server.port();

        assertThat(send(nexthop, "lmtp_tls_security_level", "encrypt", "lmtp_tls_CAfile", caFile.toString(),
                "smtp_tls_cert_file", keyAndCert[1].toString(), "smtp_tls_key_file", keyAndCert[0].toString())
                .status()).isEqualTo(Status.SENT);
        Outcome outcome = send(nexthop, "lmtp_tls_security_level", "encrypt", "lmtp_tls_CAfile", caFile.toString(),
                "lmtp_tls_cert_file", keyAndCert[1].toString(), "lmtp_tls_key_file", keyAndCert[0].toString());

        assertThat(outcome.status()).as(outcome.text() + bed.logText()).isEqualTo(Status.SENT);
        // The smtp_* certificate is not the LMTP client's; the lmtp_* one is shown.
        assertThat(server.clientCertificates()).containsExactly("", "CN=lmtp-client");
    }

    @Test
    void aClientCertificateThatCannotBeLoadedStopsTheStart() {
        assertThatThrownBy(() -> bed.lmtpAgent("lmtp_tls_security_level", "may",
                "lmtp_tls_cert_file", dir.resolve("missing.pem").toString()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cannot load lmtp_tls_cert_file " + dir.resolve("missing.pem"));
    }

    @Test
    void startupWarningsAndErrorsNameTheLmtpParameters() throws Exception {
        bed.lmtpAgent("lmtp_tls_security_level", "fingerprint");
        assertThat(bed.logText()).contains("warning: lmtp_tls_security_level = fingerprint configured, but with no"
                + " fingerprints to match (set lmtp_tls_fingerprint_cert_match); deferring all mail");

        Path table = dir.resolve("tls_policy");
        Files.writeString(table, HOST + ":24 fingerprint match=AB:CD\n");
        assertThatThrownBy(() -> bed.lmtpAgent("lmtp_tls_policy_maps", "texthash:" + table))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("lmtp_tls_policy_maps texthash:" + table).hasMessageContaining(
                        "malformed fingerprint \"AB:CD\": expected sha256 fingerprints (lmtp_tls_fingerprint_digest)");
    }
}
