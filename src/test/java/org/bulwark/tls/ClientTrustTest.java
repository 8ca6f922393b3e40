package org.bulwark.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bulwark.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a client certificate chain is judged: Postfix's reasons for an untrusted one, and its fingerprints. */
class ClientTrustTest {

    private static final AtomicLong SERIAL = new AtomicLong(1);

    @TempDir
    Path dir;

    record Issued(X509Certificate certificate, KeyPair keys) {
    }

    static Issued issue(String cn, Issued issuer, boolean ca, Instant notAfter, KeyPurposeId usage) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair keys = generator.generateKeyPair();
        X500Name subject = new X500Name("CN=" + cn);
        X500Name issuerName = issuer == null ? subject
                : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
                BigInteger.valueOf(SERIAL.getAndIncrement()), java.util.Date.from(now.minus(Duration.ofDays(2))),
                java.util.Date.from(notAfter), subject, keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (usage != null) {
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usage));
        }
        KeyPair signer = issuer == null ? keys : issuer.keys();
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        return new Issued(certificate, keys);
    }

    static Issued issue(String cn, Issued issuer, boolean ca) throws Exception {
        return issue(cn, issuer, ca, Instant.now().plus(Duration.ofDays(1)), ca ? null : KeyPurposeId.id_kp_clientAuth);
    }

    Path pem(String name, X509Certificate... certificates) throws Exception {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (X509Certificate c : certificates) {
                writer.writeObject(c);
            }
        }
        return Files.writeString(dir.resolve(name), text.toString());
    }

    ClientTrust trust(String... settings) throws Exception {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        return ClientTrust.from(Config.of(values));
    }

    @Test
    void aCertificateSignedByTheCaFileIsTrusted() throws Exception {
        Issued root = issue("Root CA", null, true);
        Issued leaf = issue("relay.example", root, false);
        ClientTrust trust = trust("smtpd_tls_CAfile", pem("ca.pem", root.certificate()).toString());

        assertThat(trust.problem(new X509Certificate[] {leaf.certificate()})).isNull();
        assertThat(trust.problem(new X509Certificate[] {leaf.certificate(), root.certificate()})).isNull();
    }

    @Test
    void aCaDirectoryTrustsAsTheCaFileDoes() throws Exception {
        Issued root = issue("Root CA", null, true);
        Issued leaf = issue("relay.example", root, false);
        Path certs = Files.createDirectories(dir.resolve("certs"));
        Files.writeString(certs.resolve("README"), "not a certificate\n");
        Files.move(pem("root.pem", root.certificate()), certs.resolve("root.pem"));

        assertThat(trust("smtpd_tls_CApath", certs.toString()).problem(new X509Certificate[] {leaf.certificate()}))
                .isNull();
    }

    @Test
    void verifyDepthCountsTheCertificatesAboveTheLeaf() throws Exception {
        Issued root = issue("Root CA", null, true);
        Issued intermediate = issue("Issuing CA", root, true);
        Issued leaf = issue("relay.example", intermediate, false);
        String caFile = pem("ca.pem", root.certificate()).toString();
        X509Certificate[] chain = {leaf.certificate(), intermediate.certificate()};

        assertThat(trust("smtpd_tls_CAfile", caFile, "smtpd_tls_ccert_verifydepth", "1").problem(chain))
                .isEqualTo("certificate chain longer than limit(1)");
        assertThat(trust("smtpd_tls_CAfile", caFile, "smtpd_tls_ccert_verifydepth", "2").problem(chain)).isNull();
        assertThat(trust("smtpd_tls_CAfile", caFile).problem(chain)).isNull();
    }

    @Test
    void untrustedCertificatesSayWhyInPostfixsWords() throws Exception {
        Issued root = issue("Root CA", null, true);
        Issued stranger = issue("Stranger CA", null, true);
        String caFile = pem("ca.pem", root.certificate()).toString();
        ClientTrust trust = trust("smtpd_tls_CAfile", caFile);

        Issued selfSigned = issue("laptop.example", null, false);
        assertThat(trust.problem(new X509Certificate[] {selfSigned.certificate()})).isEqualTo("self-signed certificate");
        Issued foreign = issue("relay.example", stranger, false);
        assertThat(trust.problem(new X509Certificate[] {foreign.certificate()}))
                .isEqualTo("untrusted issuer /CN=Stranger CA");
        Issued expired = issue("old.example", root, false, Instant.now().minus(Duration.ofDays(1)),
                KeyPurposeId.id_kp_clientAuth);
        assertThat(trust.problem(new X509Certificate[] {expired.certificate()})).isEqualTo("certificate has expired");
        Issued serverOnly = issue("mx.example", root, false, Instant.now().plus(Duration.ofDays(1)),
                KeyPurposeId.id_kp_serverAuth);
        assertThat(trust.problem(new X509Certificate[] {serverOnly.certificate()}))
                .isEqualTo("not designated for use as a client certificate");
        assertThat(trust().problem(new X509Certificate[] {issue("relay.example", root, false).certificate()}))
                .as("without a CA file nothing verifies").isEqualTo("untrusted issuer /CN=Root CA");
    }

    @Test
    void fingerprintsAreColonSeparatedUpperCaseHexOfTheDigest() throws Exception {
        Issued leaf = issue("relay.example", null, false);
        String sha256 = Fingerprints.of("sha256").certificate(leaf.certificate());
        String md5 = Fingerprints.of("MD5").certificate(leaf.certificate());

        assertThat(sha256).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(md5).matches("([0-9A-F]{2}:){15}[0-9A-F]{2}");
        assertThat(Fingerprints.of("sha256").publicKey(leaf.certificate())).isNotEqualTo(sha256)
                .isEqualTo(Fingerprints.of("sha256").format(leaf.certificate().getPublicKey().getEncoded()));
    }

    @Test
    void badSettingsAreRefusedWithTheFix() throws Exception {
        assertThatThrownBy(() -> trust("smtpd_tls_fingerprint_digest", "sha3"))
                .isInstanceOf(TlsException.class).hasMessageContaining("use sha256 (the default)");
        assertThatThrownBy(() -> trust("smtpd_tls_CAfile", dir.resolve("missing.pem").toString()))
                .isInstanceOf(TlsException.class)
                .hasMessageContaining("cannot load Certification Authority data, CAfile=")
                .hasMessageEndingWith("fix smtpd_tls_CAfile");
        assertThatThrownBy(() -> trust("smtpd_tls_ccert_verifydepth", "deep"))
                .isInstanceOf(TlsException.class).hasMessageContaining("smtpd_tls_ccert_verifydepth = deep");
    }
}
