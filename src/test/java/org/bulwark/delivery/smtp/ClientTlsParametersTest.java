package org.bulwark.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bulwark.config.ConfigException;
import org.bulwark.delivery.TestMessage;
import org.bulwark.queue.DeliveryReport.Outcome;
import org.bulwark.queue.DeliveryReport.Status;
import org.bulwark.testing.FakeSmtpServer;
import org.bulwark.testing.TestCa;
import org.bulwark.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SMTP client's TLS parameters of main.cf beside the level: smtp_tls_wrappermode,
 * smtp_tls_CApath, smtp_tls_servername, smtp_tls_verify_cert_match, smtp_tls_secure_cert_match,
 * smtp_tls_chain_files and the Postfix 2.2 smtp_enforce_tls / smtp_tls_enforce_peername, each
 * against a scripted server on loopback found through the test DNS server (remote.test, MX
 * mx.remote.test).
 */
class ClientTlsParametersTest {

    private static final String BODY = "Subject: tls\n\nhello\n";

    @TempDir
    Path dir;

    private DeliveryTestBed bed;

    @BeforeEach
    void start() throws Exception {
        bed = DeliveryTestBed.start();
        bed.dns.addMx("remote.test", 10, "mx.remote.test").addA("mx.remote.test", "127.0.0.1");
    }

    @AfterEach
    void close() throws Exception {
        bed.close();
    }

    private FakeSmtpServer starttls(TestCertificates cert) throws Exception {
        return bed.remote(FakeSmtpServer.options().starttls(cert.serverContext()));
    }

    /** Delivers to remote.test (its MX) with these main.cf settings. */
    private Outcome send(FakeSmtpServer remote, String... settings) {
        return bed.agent(remote.port(), settings)
                .deliver(TestMessage.of("alice@example.test", BODY, "bob@remote.test").request("remote.test"))
                .outcomes().get(0);
    }

    private static void assertNothingSent(FakeSmtpServer remote) {
        assertThat(remote.messages()).isEmpty();
        assertThat(remote.commands()).noneMatch(c -> c.startsWith("MAIL"));
    }

    // smtp_tls_wrappermode

    @Test
    void wrappermodeSpeaksTlsFromTheFirstByteAndNeverStarttls() throws Exception {
        FakeSmtpServer remote = bed.remote(FakeSmtpServer.options()
                .wrapperTls(TestCertificates.selfSigned("mx.remote.test").serverContext()));

        Outcome outcome = send(remote, "smtp_tls_security_level", "encrypt", "smtp_tls_wrappermode", "yes");

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(remote.awaitMessages(1).get(0).tls()).isTrue();
        assertThat(remote.commands()).noneMatch(c -> c.startsWith("STARTTLS"))
                .filteredOn(c -> c.startsWith("EHLO")).hasSize(1);
        assertThat(bed.logText()).contains("Untrusted TLS connection established to mx.remote.test[127.0.0.1]:"
                + remote.port());
    }

    @Test
    void wrappermodeChecksTheCertificateAtVerify() throws Exception {
        TestCa ca = TestCa.create("Wrapper CA");
        Path caFile = new TestCertificates(ca.certificate(), null).writePem(dir.resolve("ca.pem"));
        FakeSmtpServer good = bed.remote(FakeSmtpServer.options().wrapperTls(ca.issue("mx.remote.test").serverContext()));

        Outcome verified = send(good, "smtp_tls_security_level", "verify", "smtp_tls_wrappermode", "yes",
                "smtp_tls_CAfile", caFile.toString());
        assertThat(verified.status()).as(verified.text()).isEqualTo(Status.SENT);
        assertThat(bed.logText()).contains("Verified TLS connection established to mx.remote.test[127.0.0.1]");

        FakeSmtpServer untrusted = bed.remote(FakeSmtpServer.options()
                .wrapperTls(TestCertificates.selfSigned("mx.remote.test").serverContext()));
        Outcome refused = send(untrusted, "smtp_tls_security_level", "verify", "smtp_tls_wrappermode", "yes",
                "smtp_tls_CAfile", caFile.toString());
        assertThat(refused.status()).isEqualTo(Status.DEFERRED);
        assertThat(refused.dsn()).isEqualTo("4.7.5");
        assertThat(refused.text()).contains("Server certificate not trusted");
        assertNothingSent(untrusted);
    }

    @Test
    void wrappermodeAtMayOrNoneConnectsToNoServer() throws Exception {
        FakeSmtpServer remote = bed.remote(FakeSmtpServer.options()
                .wrapperTls(TestCertificates.selfSigned("mx.remote.test").serverContext()));

        for (String level : List.of("may", "none")) {
            Outcome outcome = send(remote, "smtp_tls_security_level", level, "smtp_tls_wrappermode", "yes");
            assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
            assertThat(outcome.dsn()).isEqualTo("4.3.0");
            assertThat(outcome.text()).isEqualTo("server unavailable or unable to receive mail");
        }
        assertThat(remote.connections()).isZero();
        assertThat(bed.logText()).contains(
                "warning: smtp_tls_wrappermode requires \"smtp_tls_security_level = encrypt\" (or stronger)");
    }

    @Test
    void aPolicyTableEntryBelowEncryptIsSkippedInWrappermodeToo() throws Exception {
        FakeSmtpServer remote = bed.remote(FakeSmtpServer.options()
                .wrapperTls(TestCertificates.selfSigned("mx.remote.test").serverContext()));

        Outcome outcome = send(remote, "smtp_tls_security_level", "encrypt", "smtp_tls_wrappermode", "yes",
                "smtp_tls_policy_maps", "inline:{ remote.test=none }");

        assertThat(outcome.dsn()).isEqualTo("4.3.0");
        assertThat(remote.connections()).isZero();
    }

    @Test
    void lmtpTlsWrappermodeDeliversOverTls() throws Exception {
        FakeSmtpServer server = bed.remote(FakeSmtpServer.options().lmtp()
                .wrapperTls(TestCertificates.selfSigned("lmtp.remote.test").serverContext()));

        Outcome outcome = bed.lmtpAgent("lmtp_tls_security_level", "encrypt", "lmtp_tls_wrappermode", "yes")
                .deliver(TestMessage.of("alice@example.test", BODY, "bob@remote.test")
                        .request("inet:127.0.0.1:" + server.port()))
                .outcomes().get(0);

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(server.awaitMessages(1).get(0).tls()).isTrue();
        assertThat(server.commands()).noneMatch(c -> c.startsWith("STARTTLS"));
    }

    // smtp_tls_CApath

    /** A CA directory as OpenSSL reads it: the PEM file and its hash link from {@code openssl rehash}. */
    private Path caDirectory(TestCa ca) throws Exception {
        Path caPath = Files.createDirectories(dir.resolve("certs"));
        new TestCertificates(ca.certificate(), null).writePem(caPath.resolve("private-ca.pem"));
        Process rehash = new ProcessBuilder("openssl", "rehash", caPath.toString()).redirectErrorStream(true).start();
        assertThat(rehash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(rehash.exitValue()).as(new String(rehash.getInputStream().readAllBytes())).isZero();
        try (var files = Files.list(caPath)) {
            assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.matches("[0-9a-f]{8}\\.0"));
        }
        return caPath;
    }

    @Test
    void aCaOnlyInTheCaPathMakesVerifyPass() throws Exception {
        TestCa ca = TestCa.create("CApath CA");
        Path caPath = caDirectory(ca);
        FakeSmtpServer remote = starttls(ca.issue("mx.remote.test"));

        Outcome outcome = send(remote, "smtp_tls_security_level", "verify", "smtp_tls_CApath", caPath.toString());

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(bed.logText()).contains("Verified TLS connection established to mx.remote.test[127.0.0.1]");
    }

    @Test
    void withoutTheCaPathTheSameServerIsDeferred() throws Exception {
        TestCa ca = TestCa.create("CApath CA");
        caDirectory(ca);
        FakeSmtpServer remote = starttls(ca.issue("mx.remote.test"));

        Outcome outcome = send(remote, "smtp_tls_security_level", "verify");

        assertThat(outcome.status()).isEqualTo(Status.DEFERRED);
        assertThat(outcome.dsn()).isEqualTo("4.7.5");
        assertThat(outcome.text()).contains("Server certificate not trusted");
        assertNothingSent(remote);
    }

    @Test
    void theCaPathAddsToTheCaFile() throws Exception {
        TestCa inPath = TestCa.create("CApath CA");
        TestCa inFile = TestCa.create("CAfile CA");
        Path caPath = caDirectory(inPath);
        Path caFile = new TestCertificates(inFile.certificate(), null).writePem(dir.resolve("cafile.pem"));

        for (TestCa ca : List.of(inPath, inFile)) {
            FakeSmtpServer remote = starttls(ca.issue("mx.remote.test"));
            Outcome outcome = send(remote, "smtp_tls_security_level", "verify", "smtp_tls_CApath", caPath.toString(),
                    "smtp_tls_CAfile", caFile.toString());
            assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        }
    }

    @Test
    void aCaPathThatIsNoDirectoryStopsTheStart() {
        assertThatThrownBy(() -> bed.agent(25, "smtp_tls_security_level", "verify",
                "smtp_tls_CApath", dir.resolve("missing").toString()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("smtp_tls_CApath " + dir.resolve("missing")).hasMessageContaining("no such directory");
    }

    // smtp_tls_servername

    @Test
    void noSniIsSentByDefaultAndServernameChoosesOne() throws Exception {
        FakeSmtpServer remote = starttls(TestCertificates.selfSigned("mx.remote.test"));

        List<Outcome> outcomes = new ArrayList<>();
        outcomes.add(send(remote, "smtp_tls_security_level", "encrypt"));
        outcomes.add(send(remote, "smtp_tls_security_level", "encrypt", "smtp_tls_servername", "hostname"));
        outcomes.add(send(remote, "smtp_tls_security_level", "encrypt", "smtp_tls_servername", "nexthop"));
        outcomes.add(send(remote, "smtp_tls_security_level", "encrypt", "smtp_tls_servername", "sni.example.test"));
        // A policy table's servername= wins over main.cf's.
        outcomes.add(send(remote, "smtp_tls_security_level", "encrypt", "smtp_tls_servername", "hostname",
                "smtp_tls_policy_maps", "inline:{ {remote.test = encrypt servername=table.example.test} }"));

        assertThat(outcomes).allMatch(o -> o.status() == Status.SENT);
        assertThat(remote.serverNames()).containsExactly("", "mx.remote.test", "remote.test", "sni.example.test",
                "table.example.test");
    }

    @Test
    void anInvalidServernameStopsTheStart() {
        assertThatThrownBy(() -> bed.agent(25, "smtp_tls_security_level", "may", "smtp_tls_servername", "bad_name!"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("\"smtp_tls_servername = bad_name!\" specifies an invalid hostname");
    }

    // smtp_tls_verify_cert_match, smtp_tls_secure_cert_match

    @Test
    void verifyCertMatchNamesWhatTheCertificateMustCarry() throws Exception {
        TestCa ca = TestCa.create("Match CA");
        Path caFile = new TestCertificates(ca.certificate(), null).writePem(dir.resolve("ca.pem"));
        // The certificate names the domain, not the MX host.
        FakeSmtpServer remote = starttls(ca.issue("remote.test"));

        Outcome byHostname = send(remote, "smtp_tls_security_level", "verify", "smtp_tls_CAfile", caFile.toString());
        assertThat(byHostname.status()).isEqualTo(Status.DEFERRED);
        assertThat(byHostname.dsn()).isEqualTo("4.7.5");
        assertNothingSent(remote);

        Outcome byNexthop = send(remote, "smtp_tls_security_level", "verify", "smtp_tls_CAfile", caFile.toString(),
                "smtp_tls_verify_cert_match", "hostname, nexthop");
        assertThat(byNexthop.status()).as(byNexthop.text()).isEqualTo(Status.SENT);

        // A policy table's match= replaces the main.cf setting.
        Outcome byTable = send(remote, "smtp_tls_security_level", "verify", "smtp_tls_CAfile", caFile.toString(),
                "smtp_tls_verify_cert_match", "nexthop",
                "smtp_tls_policy_maps", "inline:{ {remote.test = verify match=hostname} }");
        assertThat(byTable.status()).isEqualTo(Status.DEFERRED);
    }

    @Test
    void secureCertMatchTakesLiteralNamesAndSuffixes() throws Exception {
        TestCa ca = TestCa.create("Match CA");
        Path caFile = new TestCertificates(ca.certificate(), null).writePem(dir.resolve("ca.pem"));
        // An MX host outside the recipient domain, as hosted mail has.
        FakeSmtpServer remote = starttls(ca.issue("mx1.hoster.test"));

        Outcome byDefault = send(remote, "smtp_tls_security_level", "secure", "smtp_tls_CAfile", caFile.toString());
        assertThat(byDefault.status()).isEqualTo(Status.DEFERRED);
        assertThat(byDefault.text()).contains("remote.test, .remote.test");

        Outcome bySuffix = send(remote, "smtp_tls_security_level", "secure", "smtp_tls_CAfile", caFile.toString(),
                "smtp_tls_secure_cert_match", "nexthop:.hoster.test");
        assertThat(bySuffix.status()).as(bySuffix.text()).isEqualTo(Status.SENT);

        Outcome byName = send(remote, "smtp_tls_security_level", "secure", "smtp_tls_CAfile", caFile.toString(),
                "smtp_tls_secure_cert_match", "mx1.hoster.test");
        assertThat(byName.status()).as(byName.text()).isEqualTo(Status.SENT);
    }

    // smtp_tls_chain_files

    @Test
    void chainFilesPresentTheirKeyAndCertificateAndWinOverCertFile() throws Exception {
        TestCa ca = TestCa.create("Client CA");
        Path[] chain = ca.writeClientPem("chain-client", Files.createDirectories(dir.resolve("chain")));
        Path chainFile = Files.writeString(dir.resolve("chain.pem"),
                Files.readString(chain[0]) + Files.readString(chain[1]));
        Path[] legacy = ca.writeClientPem("legacy-client", Files.createDirectories(dir.resolve("legacy")));
        FakeSmtpServer remote = bed.remote(FakeSmtpServer.options()
                .starttls(ca.issueTrustingClients("mx.remote.test").serverContext()).wantClientCertificate());

        Outcome outcome = send(remote, "smtp_tls_security_level", "encrypt", "smtp_tls_chain_files", chainFile.toString(),
                "smtp_tls_cert_file", legacy[1].toString(), "smtp_tls_key_file", legacy[0].toString());

        assertThat(outcome.status()).as(outcome.text()).isEqualTo(Status.SENT);
        assertThat(remote.clientCertificates()).containsExactly("CN=chain-client");
    }

    @Test
    void aChainFileWithoutAKeyStopsTheStart() throws Exception {
        TestCa ca = TestCa.create("Client CA");
        Path[] chain = ca.writeClientPem("chain-client", dir);

        assertThatThrownBy(() -> bed.agent(25, "smtp_tls_security_level", "may", "smtp_tls_chain_files", chain[1].toString()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("smtp_tls_chain_files " + chain[1]);
    }

    // smtp_enforce_tls, smtp_tls_enforce_peername (Postfix 2.2)

    @Test
    void enforceTlsWithoutPeernameIsEncrypt() throws Exception {
        FakeSmtpServer plain = bed.remote(FakeSmtpServer.options());
        Outcome refused = send(plain, "smtp_enforce_tls", "yes", "smtp_tls_enforce_peername", "no");
        assertThat(refused.dsn()).isEqualTo("4.7.4");
        assertNothingSent(plain);

        FakeSmtpServer selfSigned = starttls(TestCertificates.selfSigned("mx.remote.test"));
        Outcome sent = send(selfSigned, "smtp_enforce_tls", "yes", "smtp_tls_enforce_peername", "no");
        assertThat(sent.status()).as(sent.text()).isEqualTo(Status.SENT);
    }

    @Test
    void enforceTlsWithPeernameIsVerifyAndALevelWins() throws Exception {
        FakeSmtpServer selfSigned = starttls(TestCertificates.selfSigned("mx.remote.test"));

        Outcome verify = send(selfSigned, "smtp_enforce_tls", "yes");
        assertThat(verify.status()).isEqualTo(Status.DEFERRED);
        assertThat(verify.text()).contains("Server certificate not trusted");
        assertNothingSent(selfSigned);

        // smtp_tls_security_level, when set, is what counts.
        Outcome may = send(selfSigned, "smtp_enforce_tls", "yes", "smtp_tls_security_level", "may");
        assertThat(may.status()).as(may.text()).isEqualTo(Status.SENT);
    }
}
