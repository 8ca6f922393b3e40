package org.bulwark.mailauth;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/** New signing keys, as opendkim-genkey makes them: the private key file and the TXT record. */
public final class DkimKeyGenerator {

    /** RSA sizes RFC 8301 §3.2 allows signers (1024 is the floor; 2048 the advice). */
    public static final java.util.List<Integer> RSA_SIZES = java.util.List.of(1024, 2048, 4096);

    private DkimKeyGenerator() {
    }

    /** @param rsaBits ignored for Ed25519 */
    public static KeyPair generate(DkimAlgorithm algorithm, int rsaBits) throws GeneralSecurityException {
        if (algorithm == DkimAlgorithm.ED25519_SHA256) {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        }
        if (!RSA_SIZES.contains(rsaBits)) {
            throw new IllegalArgumentException(MailAuthTexts.badRsaSize(rsaBits));
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(rsaBits);
        return g.generateKeyPair();
    }

    /**
     * Writes the private key as PKCS#8 PEM, readable by its owner only (0600) from the moment it
     * exists; an existing file is never overwritten.
     */
    public static void writePrivateKey(Path file, KeyPair pair) throws IOException {
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(pair.getPrivate());
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new IOException(MailAuthTexts.keyFileExists(file));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            out.write(pem.toString());
        }
    }
}
