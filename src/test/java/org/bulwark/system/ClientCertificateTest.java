package org.bulwark.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bulwark.testing.OpensslCertificates;
import org.bulwark.testing.OpensslCertificates.KeyForm;
import org.bulwark.testing.Peers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS client certificates as TLS_README's "server-side certificate-based relaying" sets them up:
 * smtpd asks for a certificate, verifies it against smtpd_tls_CAfile, and permit_tls_clientcerts
 * (fingerprints in relay_clientcerts), permit_tls_all_clientcerts and check_ccert_access let a
 * client outside mynetworks (127.0.0.2) relay. Driven by swaks and openssl s_client with real
 * certificates made by openssl.
 */
class ClientCertificateTest {

    private static final String OUTSIDE = "friend@outside.example";

    @TempDir
    Path root;
    MailSystemFixture system;
    Path tls;
    /** The CA in smtpd_tls_CAfile. */
    Path[] ca;
    /** Signed by that CA, listed in relay_clientcerts. */
    Path[] listed;
    /** Signed by that CA too, but not listed. */
    Path[] unlisted;
    /** Self-signed, the CA knows nothing of it. */
    Path[] selfSigned;

    @BeforeEach
    void setUp() throws Exception {
        system = new MailSystemFixture(root);
        tls = Files.createDirectories(root.resolve("tls"));
        Path[] server = OpensslCertificates.make(tls, "mail", KeyForm.EC, "mail.example.test");
        ca = OpensslCertificates.certificateAuthority(tls, "ca", "Example Client CA");
        listed = OpensslCertificates.clientCertificate(tls, "relay", ca, "relay.example.test");
        unlisted = OpensslCertificates.clientCertificate(tls, "other", ca, "other.example.test");
        selfSigned = OpensslCertificates.make(tls, "stranger", KeyForm.EC, "stranger.example.test");
        Files.writeString(system.conf.resolve("relay_clientcerts"),
                OpensslCertificates.fingerprint(listed[1], "sha256") + " relay.example.test\n");
        system.set("smtpd_tls_security_level", "may")
                .set("smtpd_tls_cert_file", server[1].toString())
                .set("smtpd_tls_key_file", server[0].toString())
                .set("smtpd_tls_ask_ccert", "yes")
                .set("smtpd_tls_CAfile", ca[1].toString())
                .set("smtpd_tls_loglevel", "1")
                .set("relay_clientcerts", "texthash:" + system.conf.resolve("relay_clientcerts"))
                .set("smtpd_relay_restrictions", "permit_mynetworks, permit_tls_clientcerts, reject_unauth_destination");
    }

    @AfterEach
    void tearDown() {
        system.close();
    }

    /** swaks from 127.0.0.2 (outside mynetworks) over STARTTLS, with a client certificate when given. */
    MailSystemFixture.ProcessResult swaks(int port, Path[] certificate, String to, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(Peers.swaks(), "--server", "127.0.0.1", "--port",
                Integer.toString(port), "--local-interface", "127.0.0.2", "--from", "sender@example.test", "--to", to,
                "--timeout", "20", "--tls"));
        if (certificate != null) {
            command.addAll(List.of("--tls-cert", certificate[1].toString(), "--tls-key", certificate[0].toString()));
        }
        command.addAll(List.of(extra));
        return MailSystemFixture.run(command, null);
    }

    MailSystemFixture.ProcessResult swaks(Path[] certificate) throws Exception {
        return swaks(system.port(), certificate, OUTSIDE);
    }

    void start() throws Exception {
        system.start();
    }

    @Test
    void aListedCertificateRelaysFromOutsideMynetworks() throws Exception {
        start();
        var result = swaks(listed);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).containsPattern("<~  250 2\\.0\\.0 Ok: queued as [0-9A-F]+");
        system.awaitLog("Trusted TLS connection established from unknown[127.0.0.2]: TLSv1.3 with cipher");
    }

    @Test
    void anUnlistedOrSelfSignedCertificateOrNoneIsRefusedRelay() throws Exception {
        start();
        for (Path[] certificate : new Path[][] {unlisted, selfSigned, null}) {
            var result = swaks(certificate);
            assertThat(result.exitCode()).isNotZero();
            assertThat(result.output()).contains("<~* 554 5.7.1 <friend@outside.example>: Relay access denied");
        }
        String log = system.awaitLog("Anonymous TLS connection established from unknown[127.0.0.2]");
        assertThat(log).contains("Trusted TLS connection established from unknown[127.0.0.2]")
                .contains("Untrusted TLS connection established from unknown[127.0.0.2]")
                .contains("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: 554 5.7.1 <friend@outside.example>: "
                        + "Relay access denied; from=<sender@example.test> to=<friend@outside.example> proto=ESMTP");
    }

    @Test
    void aListedPublicKeyFingerprintRelaysToo() throws Exception {
        // relay_clientcerts may name the key instead of the certificate (Postfix 2.9+): a renewal
        // that keeps the key keeps the permission. openssl writes the digest in lower case.
        Files.writeString(system.conf.resolve("relay_clientcerts"),
                OpensslCertificates.publicKeyFingerprint(selfSigned[1], "sha256") + " stranger\n");
        start();
        var result = swaks(selfSigned);
        assertThat(result.exitCode()).as(result.output()).isZero();
        system.awaitLog("Untrusted TLS connection established from unknown[127.0.0.2]");
    }

    @Test
    void permitTlsAllClientcertsRelaysForAnyVerifiedCertificateOnly() throws Exception {
        system.set("smtpd_relay_restrictions", "permit_mynetworks, permit_tls_all_clientcerts, reject_unauth_destination");
        start();
        var verified = swaks(unlisted);
        assertThat(verified.exitCode()).as(verified.output()).isZero();
        var stranger = swaks(selfSigned);
        assertThat(stranger.output()).contains("<~* 554 5.7.1 <friend@outside.example>: Relay access denied");
    }

    @Test
    void checkCcertAccessAcceptsAndRejectsByFingerprint() throws Exception {
        Files.writeString(system.conf.resolve("ccert_access"),
                OpensslCertificates.fingerprint(listed[1], "sha256") + " OK\n"
                        + OpensslCertificates.fingerprint(unlisted[1], "sha256") + " REJECT\n");
        system.set("smtpd_relay_restrictions", "permit_mynetworks, check_ccert_access texthash:"
                + system.conf.resolve("ccert_access") + ", reject_unauth_destination");
        start();
        var ok = swaks(listed);
        assertThat(ok.exitCode()).as(ok.output()).isZero();
        var rejected = swaks(unlisted);
        assertThat(rejected.output()).contains("<~* 554 5.7.1 <other.example.test>: Client certificate rejected: "
                + "Access denied");
        var unknown = swaks(selfSigned);
        assertThat(unknown.output()).contains("<~* 554 5.7.1 <friend@outside.example>: Relay access denied");
    }

    @Test
    void checkCcertAccessWithASearchOrderLooksUpThePublicKey() throws Exception {
        Files.writeString(system.conf.resolve("ccert_access"),
                OpensslCertificates.publicKeyFingerprint(listed[1], "sha256") + " 550 5.7.0 Not this key\n");
        system.set("smtpd_relay_restrictions", "permit_mynetworks, permit_tls_clientcerts, reject_unauth_destination")
                .set("smtpd_client_restrictions", "check_ccert_access { texthash:"
                        + system.conf.resolve("ccert_access") + ", { search_order = pubkey_fingerprint } }");
        start();
        var result = swaks(listed);
        assertThat(result.output()).contains("<~* 550 5.7.0 <relay.example.test>: Client certificate rejected: "
                + "Not this key");
    }

    @Test
    void loglevelTwoNamesTheCertificateAndWhyItDidNotVerify() throws Exception {
        system.set("smtpd_tls_loglevel", "2");
        start();
        swaks(listed);
        swaks(selfSigned);
        String log = system.awaitLog("Untrusted TLS connection established");
        assertThat(log).contains("unknown[127.0.0.2]: subject_CN=relay.example.test, issuer=Example Client CA, "
                + "fingerprint=" + OpensslCertificates.fingerprint(listed[1], "sha256") + ", pkey_fingerprint="
                + OpensslCertificates.publicKeyFingerprint(listed[1], "sha256").toUpperCase(java.util.Locale.ROOT))
                .contains("certificate verification failed for unknown[127.0.0.2]: self-signed certificate");
    }

    @Test
    void receivedHeaderNamesAVerifiedClientCertificate() throws Exception {
        system.set("smtpd_tls_received_header", "yes");
        system.start();
        var result = swaks(system.port(), listed, "alice@example.test");
        assertThat(result.exitCode()).as(result.output()).isZero();
        var stranger = swaks(system.port(), selfSigned, "alice@example.test");
        assertThat(stranger.exitCode()).as(stranger.output()).isZero();
        var messages = system.awaitDelivered("alice", 2);
        String all = Files.readString(messages.get(0)) + Files.readString(messages.get(1));
        assertThat(all).containsPattern("\\(using TLSv1\\.3 with cipher \\S+ \\(\\d+/\\d+ bits\\)\\)\n"
                + "\t\\(Client CN \"relay\\.example\\.test\", Issuer \"Example Client CA\" \\(verified OK\\)\\)\n"
                + "\tby mail\\.example\\.test")
                .contains("\t(Client CN \"stranger.example.test\", Issuer \"stranger.example.test\" (not verified))\n");
    }

    @Test
    void reqCcertRefusesASessionWithoutAVerifiedCertificate() throws Exception {
        int required = MailSystemFixture.freePort();
        int wrapper = MailSystemFixture.freePort();
        system.startWithServices("""
                127.0.0.1:%d inet n       -       n       -       -       smtpd
                  -o smtpd_tls_security_level=encrypt
                  -o smtpd_tls_req_ccert=yes
                  -o smtpd_tls_ask_ccert=no
                127.0.0.1:%d inet n       -       n       -       -       smtpd
                  -o smtpd_tls_wrappermode=yes
                  -o smtpd_tls_req_ccert=yes
                """.formatted(required, wrapper));
        // Wrapper mode (port 465) has no plaintext phase: the refusal comes instead of the greeting.
        var wrapped = MailSystemFixture.run(List.of(Peers.openssl(), "s_client", "-brief",
                "-connect", "127.0.0.1:" + wrapper, "-ign_eof"), "EHLO client.example\r\n");
        assertThat(wrapped.output()).contains("421 4.7.1 mail.example.test Error: No client certificate presented")
                .doesNotContain("220 mail.example.test");
        var none = MailSystemFixture.run(List.of(Peers.openssl(), "s_client", "-brief", "-starttls", "smtp",
                "-connect", "127.0.0.1:" + required, "-ign_eof"), "EHLO client.example\r\n");
        assertThat(none.output()).contains("421 4.7.1 mail.example.test Error: No client certificate presented");
        var untrusted = swaks(required, selfSigned, OUTSIDE);
        assertThat(untrusted.output()).contains("421 4.7.1 mail.example.test Error: Client certificate not trusted");
        var trusted = swaks(required, listed, OUTSIDE);
        assertThat(trusted.exitCode()).as(trusted.output()).isZero();
        String log = system.awaitLog("[127.0.0.1]: No client certificate presented");
        assertThat(log).containsPattern("NOQUEUE: abort: TLS from \\S+\\[127\\.0\\.0\\.1\\]: No client certificate presented")
                .contains("certificate verification failed for unknown[127.0.0.2]: self-signed certificate")
                .contains("NOQUEUE: abort: TLS from unknown[127.0.0.2]: Client certificate not trusted");
    }

    @Test
    void reqCcertWhereTlsIsOptionalIsIgnoredWithPostfixsWarning() throws Exception {
        system.set("smtpd_tls_req_ccert", "yes");
        start();
        var result = swaks(null);
        assertThat(result.output()).contains("<~* 554 5.7.1 <friend@outside.example>: Relay access denied");
        system.awaitLog("warning: Can't require client certs unless TLS is required");
    }

    @Test
    void reloadReadsTheCaFileAgain() throws Exception {
        Path[] otherCa = OpensslCertificates.certificateAuthority(tls, "other-ca", "Other CA");
        Path[] fromOther = OpensslCertificates.clientCertificate(tls, "partner", otherCa, "partner.example.test");
        system.set("smtpd_relay_restrictions", "permit_mynetworks, permit_tls_all_clientcerts, reject_unauth_destination");
        start();
        assertThat(swaks(fromOther).output()).contains("<~* 554 5.7.1 <friend@outside.example>: Relay access denied");
        Files.writeString(ca[1], Files.readString(ca[1]) + Files.readString(otherCa[1]));
        assertThat(system.master().reload()).isEmpty();
        var result = swaks(fromOther);
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void aPolicyServerIsToldTheClientCertificate() throws Exception {
        List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (java.net.ServerSocket policy = new java.net.ServerSocket(0, 5,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread.ofVirtual().start(() -> answerPolicyRequests(policy, requests));
            system.set("smtpd_relay_restrictions", "check_policy_service inet:127.0.0.1:" + policy.getLocalPort()
                    + ", permit_mynetworks, permit_tls_clientcerts, reject_unauth_destination");
            start();
            swaks(listed);
            swaks(selfSigned);
        }
        assertThat(requests).hasSizeGreaterThanOrEqualTo(2);
        assertThat(requests.get(0)).contains("\nccert_subject=relay.example.test\n")
                .contains("\nccert_issuer=Example+20Client+20CA\n")
                .contains("\nccert_fingerprint=" + OpensslCertificates.fingerprint(listed[1], "sha256") + "\n")
                .contains("\nencryption_protocol=TLSv1.3\n");
        // Postfix names only a verified certificate; the fingerprints of any.
        assertThat(requests.get(requests.size() - 1)).contains("\nccert_subject=\n").contains("\nccert_issuer=\n")
                .contains("\nccert_fingerprint=" + OpensslCertificates.fingerprint(selfSigned[1], "sha256") + "\n");
    }

    /** A policy server that records each request and answers DUNNO. */
    private static void answerPolicyRequests(java.net.ServerSocket server, List<String> requests) {
        while (!server.isClosed()) {
            try (java.net.Socket client = server.accept()) {
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream(),
                        java.nio.charset.StandardCharsets.UTF_8));
                var out = client.getOutputStream();
                StringBuilder request = new StringBuilder("\n");
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.isEmpty()) {
                        requests.add(request.toString());
                        request = new StringBuilder("\n");
                        out.write("action=DUNNO\n\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        out.flush();
                    } else {
                        request.append(line).append('\n');
                    }
                }
            } catch (java.io.IOException e) {
                // The test closed the server, or the client went away: wait for the next one.
            }
        }
    }
}
