package org.bulwark.mailauth;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Reads DKIM private keys from PEM files (PKCS#8, or PKCS#1 as opendkim-genkey writes them). */
public final class DkimKeyFiles {

    private DkimKeyFiles() {
    }

    /** @throws IOException when the file is unreadable or holds no private key */
    public static PrivateKey read(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            return switch (object) {
                case PEMKeyPair pair -> converter.getPrivateKey(pair.getPrivateKeyInfo());
                case PrivateKeyInfo info -> converter.getPrivateKey(info);
                case null, default -> throw new IOException(MailAuthTexts.dkimNotAKeyFile(file));
            };
        }
    }

    /** The algorithm a key signs with: ed25519-sha256 for an Ed25519 key, rsa-sha256 otherwise. */
    public static DkimAlgorithm algorithmOf(PrivateKey key) {
        String name = key.getAlgorithm();
        return name.equalsIgnoreCase("Ed25519") || name.equalsIgnoreCase("EdDSA")
                ? DkimAlgorithm.ED25519_SHA256 : DkimAlgorithm.RSA_SHA256;
    }
}
