package org.bulwark.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bulwark.config.Config;
import org.bulwark.testing.OpensslCertificates;
import org.bulwark.testing.OpensslCertificates.KeyForm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemCredentialsTest {

    @TempDir
    Path dir;

    @Test
    void readsAPkcs1RsaKey() throws Exception {
        Path[] files = OpensslCertificates.make(dir, "rsa1", KeyForm.RSA_PKCS1, "mx.example.org");
        assertThat(Files.readString(files[0])).contains("BEGIN RSA PRIVATE KEY");
        ServerCredential c = PemCredentials.certAndKey(files[1], files[0]);
        assertThat(c.algorithm()).isEqualTo("RSA");
        assertThat(c.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=mx.example.org");
    }

    @Test
    void readsAPkcs8RsaKey() throws Exception {
        Path[] files = OpensslCertificates.make(dir, "rsa8", KeyForm.RSA_PKCS8, "mx.example.org");
        assertThat(Files.readString(files[0])).contains("BEGIN PRIVATE KEY");
        assertThat(PemCredentials.certAndKey(files[1], files[0]).algorithm()).isEqualTo("RSA");
    }

    @Test
    void readsAnEcKeyWithItsParametersBlock() throws Exception {
        Path[] files = OpensslCertificates.make(dir, "ec", KeyForm.EC, "mx.example.org");
        assertThat(Files.readString(files[0])).contains("BEGIN EC PARAMETERS").contains("BEGIN EC PRIVATE KEY");
        assertThat(PemCredentials.certAndKey(files[1], files[0]).algorithm()).isEqualTo("EC");
    }

    @Test
    void readsAChainFileWithKeyAndCertificate() throws Exception {
        Path chain = OpensslCertificates.chainFile(dir, "chain", KeyForm.RSA_PKCS8, "mx.example.org");
        assertThat(PemCredentials.chainFile(chain).chain()).hasSize(1);
    }

    @Test
    void refusesAKeyThatDoesNotMatchTheCertificate() throws Exception {
        Path[] a = OpensslCertificates.make(dir, "a", KeyForm.RSA_PKCS1, "a.example.org");
        Path[] b = OpensslCertificates.make(dir, "b", KeyForm.RSA_PKCS1, "b.example.org");
        assertThatThrownBy(() -> PemCredentials.certAndKey(a[1], b[0]))
                .isInstanceOf(TlsException.class).hasMessageContaining("does not match");
    }

    @Test
    void refusesAFileWithoutAKey() throws Exception {
        Path[] a = OpensslCertificates.make(dir, "a", KeyForm.EC, "a.example.org");
        assertThatThrownBy(() -> PemCredentials.chainFile(a[1]))
                .isInstanceOf(TlsException.class).hasMessageContaining("no private key");
    }

    @Test
    void holdsRsaAndEcdsaSideBySide() throws Exception {
        Path rsa = OpensslCertificates.chainFile(dir, "rsa", KeyForm.RSA_PKCS1, "mx.example.org");
        Path ec = OpensslCertificates.chainFile(dir, "ec", KeyForm.EC, "mx.example.org");
        ServerTls tls = ServerTls.forService(Config.of(Map.of("smtpd_tls_security_level", "may",
                "smtpd_tls_chain_files", rsa + ", " + ec)));
        assertThat(tls.credentials()).extracting(ServerCredential::algorithm).containsExactly("RSA", "EC");
    }

    @Test
    void noTlsWithoutALevelOrWrapperMode() throws Exception {
        assertThat(ServerTls.forService(Config.of(Map.of()))).isNull();
    }

    @Test
    void tlsWithoutACertificateIsAConfigurationError() {
        assertThatThrownBy(() -> ServerTls.forService(Config.of(Map.of("smtpd_tls_security_level", "may"))))
                .isInstanceOf(TlsException.class).hasMessageContaining("smtpd_tls_cert_file");
    }

    @Test
    void protocolsBelowTls12AreNeverEnabled() throws Exception {
        assertThat(TlsProtocols.enabled(List.of(">=TLSv1"))).containsExactly("TLSv1.2", "TLSv1.3");
        assertThat(TlsProtocols.enabled(List.of("!SSLv2", "!SSLv3"))).containsExactly("TLSv1.2", "TLSv1.3");
        assertThat(TlsProtocols.enabled(List.of(">=TLSv1.3"))).containsExactly("TLSv1.3");
        assertThat(TlsProtocols.enabled(List.of("TLSv1.2"))).containsExactly("TLSv1.2");
        assertThatThrownBy(() -> TlsProtocols.enabled(List.of("<=TLSv1.1"))).isInstanceOf(TlsException.class);
        assertThatThrownBy(() -> TlsProtocols.enabled(List.of(">=TLSv9"))).isInstanceOf(TlsException.class);
    }

    @Test
    void weakCipherSuitesAreNeverEnabled() {
        String[] suites = {"TLS_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
            "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_DH_anon_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_NULL_SHA256",
            "SSL_RSA_EXPORT_WITH_RC4_40_MD5", "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"};
        assertThat(CipherPolicy.enabled("medium", suites))
                .containsExactly("TLS_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256");
        assertThat(CipherPolicy.enabled("high", suites)).containsExactly("TLS_AES_256_GCM_SHA384");
        assertThat(CipherPolicy.enabled("export", suites))
                .containsExactly("TLS_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256");
    }
}
