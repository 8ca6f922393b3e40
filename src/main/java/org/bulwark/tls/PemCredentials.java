package org.bulwark.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads PEM files the way Postfix does: a private key as PKCS#1 ({@code RSA PRIVATE KEY}), SEC 1
 * ({@code EC PRIVATE KEY}, with or without a leading {@code EC PARAMETERS} block) or PKCS#8
 * ({@code PRIVATE KEY}), and X.509 certificates, leaf first. Parsing is Bouncy Castle's.
 */
public final class PemCredentials {

    private PemCredentials() {
    }

    /**
     * One {@code smtpd_tls_chain_files} entry: a file holding a private key and its certificate
     * chain (Postfix 3.4+); the key should come first, but any order is accepted.
     */
    public static ServerCredential chainFile(Path file) throws TlsException {
        Contents c = read(file);
        if (c.keys.isEmpty()) {
            throw new TlsException(TlsTexts.noKeyInFile(file));
        }
        if (c.certificates.isEmpty()) {
            throw new TlsException(TlsTexts.noCertificateInFile(file));
        }
        return matched(file, c.keys.get(0), c.certificates);
    }

    /** The older form: {@code smtpd_tls_cert_file} (leaf and chain) and {@code smtpd_tls_key_file}. */
    public static ServerCredential certAndKey(Path certFile, Path keyFile) throws TlsException {
        Contents certs = read(certFile);
        if (certs.certificates.isEmpty()) {
            throw new TlsException(TlsTexts.noCertificateInFile(certFile));
        }
        Contents keys = keyFile.equals(certFile) ? certs : read(keyFile);
        if (keys.keys.isEmpty()) {
            throw new TlsException(TlsTexts.noKeyInFile(keyFile));
        }
        return matched(keyFile, keys.keys.get(0), certs.certificates);
    }

    /** Every certificate in a PEM file (for CA files). */
    public static List<X509Certificate> certificates(Path file) throws TlsException {
        return read(file).certificates;
    }

    /** CA directories read so far, by path, with the directory's time of change when read. */
    private static final Map<Path, CaDirectory> CA_DIRECTORIES = new ConcurrentHashMap<>();

    private record CaDirectory(FileTime changed, Set<X509Certificate> certificates) { }

    /**
     * Every certificate in the files of a CA directory ({@code smtpd_tls_CApath}, {@code
     * smtp_tls_CApath}). Each file is read once however many names lead to it (the {@code c_rehash}
     * / {@code openssl rehash} links, Debian's links into /usr/share/ca-certificates), and a
     * directory read before is not read again until it changes (rehashing changes it): Debian's
     * /etc/ssl/certs takes most of a second to parse, and every client service and MTA-STS asks.
     */
    public static Set<X509Certificate> caDirectory(Path dir) throws TlsException {
        if (!Files.isDirectory(dir)) {
            throw new TlsException(TlsTexts.cannotLoadCa("CApath", dir));
        }
        try {
            FileTime changed = Files.getLastModifiedTime(dir);
            CaDirectory known = CA_DIRECTORIES.get(dir);
            if (known != null && known.changed().equals(changed)) {
                return known.certificates();
            }
            Set<X509Certificate> read = readCaDirectory(dir);
            CA_DIRECTORIES.put(dir, new CaDirectory(changed, read));
            return read;
        } catch (IOException e) {
            throw new TlsException(TlsTexts.cannotLoadCa("CApath", dir));
        }
    }

    private static Set<X509Certificate> readCaDirectory(Path dir) throws IOException {
        Set<X509Certificate> out = new HashSet<>();
        Set<Path> seen = new HashSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                if (Files.isRegularFile(file) && Files.isReadable(file) && seen.add(file.toRealPath())) {
                    try {
                        out.addAll(certificates(file));
                    } catch (TlsException e) {
                        // Not a certificate file (a README, a CRL): OpenSSL's hashed lookup skips those too.
                    }
                }
            }
        }
        return Set.copyOf(out);
    }

    private static ServerCredential matched(Path file, PrivateKey key, List<X509Certificate> chain)
            throws TlsException {
        if (!matches(key, chain.get(0).getPublicKey())) {
            throw new TlsException(TlsTexts.keyDoesNotMatch(file));
        }
        return new ServerCredential(key, chain);
    }

    /** A key matches a certificate when a signature made with it verifies with the certificate's key. */
    static boolean matches(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = "bulwark key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private record Contents(List<PrivateKey> keys, List<X509Certificate> certificates) {
    }

    private static Contents read(Path file) throws TlsException {
        List<PrivateKey> keys = new ArrayList<>();
        List<X509Certificate> certificates = new ArrayList<>();
        JcaPEMKeyConverter keyConverter = new JcaPEMKeyConverter();
        JcaX509CertificateConverter certConverter = new JcaX509CertificateConverter();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            Object item;
            while ((item = parser.readObject()) != null) {
                switch (item) {
                    case PEMKeyPair pair -> keys.add(keyConverter.getKeyPair(pair).getPrivate());
                    case PrivateKeyInfo info -> keys.add(keyConverter.getPrivateKey(info));
                    case X509CertificateHolder holder -> certificates.add(certConverter.getCertificate(holder));
                    case PEMEncryptedKeyPair ignored -> throw new TlsException(TlsTexts.encryptedKey(file));
                    case PKCS8EncryptedPrivateKeyInfo ignored -> throw new TlsException(TlsTexts.encryptedKey(file));
                    case ASN1ObjectIdentifier ignored -> {
                        // "EC PARAMETERS" from openssl ecparam -genkey: the curve is in the key as well.
                    }
                    default -> {
                        // Other blocks (DH parameters, CRLs) are not ours to use.
                    }
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsException(TlsTexts.cannotRead(file, e.getMessage()));
        }
        return new Contents(keys, certificates);
    }
}
