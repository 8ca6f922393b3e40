package org.bulwark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.bulwark.testing.Peers;
import org.bulwark.testing.OpensslCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsAndPasswdCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;
    private InputStream savedIn;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        savedIn = System.in;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
        System.setIn(savedIn);
    }

    @Test
    void selfsignedWritesAPrivateKeyAndACertificateOpensslReads() throws Exception {
        Path key = dir.resolve("mail.key");
        Path cert = dir.resolve("mail.crt");
        int code = Bulwark.commandLine().execute("tls", "selfsigned", "--host", "mail.example.no", "--days", "30",
                "--rsa", "2048", "--key", key.toString(), "--cert", cert.toString());
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        String text = OpensslCertificates.run(Peers.openssl(), "x509", "-in", cert.toString(), "-noout", "-subject",
                "-ext", "subjectAltName");
        assertThat(text).contains("CN = mail.example.no").contains("DNS:mail.example.no");
        String modulusCert = OpensslCertificates.run(Peers.openssl(), "x509", "-in", cert.toString(), "-noout", "-modulus");
        String modulusKey = OpensslCertificates.run(Peers.openssl(), "rsa", "-in", key.toString(), "-noout", "-modulus");
        assertThat(modulusKey).isEqualTo(modulusCert);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("smtpd_tls_cert_file = " + cert);
    }

    @Test
    void selfsignedMakesEcKeys() throws Exception {
        Path key = dir.resolve("ec.key");
        Path cert = dir.resolve("ec.crt");
        assertThat(Bulwark.commandLine().execute("tls", "selfsigned", "--host", "mail.example.no", "--ec",
                "--key", key.toString(), "--cert", cert.toString())).isZero();
        assertThat(OpensslCertificates.run(Peers.openssl(), "x509", "-in", cert.toString(), "-noout", "-text"))
                .contains("id-ecPublicKey").contains("prime256v1");
    }

    @Test
    void passwdHashPrintsWhatDoveadmVerifies() throws Exception {
        assertThat(Bulwark.commandLine().execute("passwd", "hash", "-s", "ARGON2ID", "-p", "s3cret")).isZero();
        String hash = out.toString(StandardCharsets.UTF_8).strip();
        assertThat(hash).startsWith("{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$");
        assertThat(OpensslCertificates.run(Peers.doveadm(), "pw", "-t", hash, "-p", "s3cret")).contains("(verified)");
    }

    @Test
    void passwdHashReadsThePasswordFromStandardInput() throws Exception {
        System.setIn(new ByteArrayInputStream("from stdin\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(Bulwark.commandLine().execute("passwd", "hash")).isZero();
        String hash = out.toString(StandardCharsets.UTF_8).strip();
        assertThat(hash).startsWith("{SHA512-CRYPT}$6$");
        assertThat(OpensslCertificates.run(Peers.doveadm(), "pw", "-t", hash, "-p", "from stdin")).contains("(verified)");
    }

    @Test
    void anUnknownSchemeIsOneLineOfError() {
        assertThat(Bulwark.commandLine().execute("passwd", "hash", "-s", "MD4", "-p", "x")).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8).strip())
                .startsWith("bulwark: fatal: unknown password scheme MD4").doesNotContain("Exception");
    }
}
