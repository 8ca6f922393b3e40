package org.bulwark.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed server certificate, as the guides make one with
 * {@code openssl req -new -x509 -days N -nodes -newkey rsa:4096}: the host name as CN and as
 * subjectAltName (RFC 6125 §6.4.4 prefers the SAN), the key written as PKCS#8 PEM with mode 0600.
 */
public final class SelfSignedCertificate {

    /** RSA of the given size, or ECDSA on P-256. */
    public sealed interface KeyType {
        record Rsa(int bits) implements KeyType {
        }

        record Ec() implements KeyType {
        }
    }

    private SelfSignedCertificate() {
    }

    /** Generates the key and certificate and writes them; the key file gets mode 0600 before any byte of the key. */
    public static X509Certificate write(String host, int days, KeyType type, Path keyFile, Path certFile)
            throws IOException, TlsException {
        try {
            KeyPair pair = generate(type);
            X509Certificate certificate = certificate(host, days, pair, type);
            writeKey(keyFile, pem(pair.getPrivate()));
            Files.writeString(certFile, pem(certificate), StandardCharsets.US_ASCII);
            return certificate;
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new TlsException(e.getMessage());
        }
    }

    private static KeyPair generate(KeyType type) throws GeneralSecurityException {
        return switch (type) {
            case KeyType.Rsa rsa -> {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(rsa.bits(), new SecureRandom());
                yield g.generateKeyPair();
            }
            case KeyType.Ec ec -> {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
                yield g.generateKeyPair();
            }
        };
    }

    private static X509Certificate certificate(String host, int days, KeyPair pair, KeyType type)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, host).build();
        Instant now = Instant.now();
        BigInteger serial = new BigInteger(64, new SecureRandom());
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial,
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(days))), name,
                pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, host)));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        String algorithm = type instanceof KeyType.Ec ? "SHA256withECDSA" : "SHA256withRSA";
        X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder(algorithm).build(pair.getPrivate()));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static void writeKey(Path keyFile, String pem) throws IOException {
        Files.deleteIfExists(keyFile);
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, pem, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object instanceof java.security.PrivateKey key
                    ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null) : object);
        }
        return text.toString();
    }
}
