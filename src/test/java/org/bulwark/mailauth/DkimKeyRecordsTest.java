package org.bulwark.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A key file's public half, and whether a published record holds it, for RSA and Ed25519 keys. */
class DkimKeyRecordsTest {

    @TempDir
    Path root;

    private PrivateKey written(KeyPair pair) throws Exception {
        Path file = root.resolve("key.pem");
        DkimKeyGenerator.writePrivateKey(file, pair);
        return DkimKeyFiles.read(file);
    }

    @Test
    void anRsaKeyFilesPublicHalfIsTheOnePublished() throws Exception {
        KeyPair pair = DkimKeyGenerator.generate(DkimAlgorithm.RSA_SHA256, 2048);
        PrivateKey key = written(pair);

        assertThat(DkimKeyRecords.txt(DkimKeyRecords.publicKeyOf(key))).isEqualTo(DkimKeyRecords.txt(pair.getPublic()));
        assertThat(DkimKeyRecords.publishes(DkimKeyRecords.txt(pair.getPublic()), key)).isTrue();
        assertThat(DkimKeyRecords.publishes(
                DkimKeyRecords.txt(DkimKeyGenerator.generate(DkimAlgorithm.RSA_SHA256, 2048).getPublic()), key)).isFalse();
        assertThat(DkimKeyRecords.publishes("v=DKIM1; k=rsa; p=", key)).as("revoked").isFalse();
    }

    @Test
    void anEd25519KeyFilesPublicHalfIsTheOnePublished() throws Exception {
        KeyPair pair = DkimKeyGenerator.generate(DkimAlgorithm.ED25519_SHA256, 0);
        PrivateKey key = written(pair);

        assertThat(DkimKeyRecords.txt(DkimKeyRecords.publicKeyOf(key))).isEqualTo(DkimKeyRecords.txt(pair.getPublic()));
        assertThat(DkimKeyRecords.publishes(DkimKeyRecords.txt(pair.getPublic()), key)).isTrue();
        assertThat(DkimKeyRecords.publishes(DkimKeyRecords.txt(pair.getPublic()).replace("k=ed25519", "k=rsa"), key))
                .as("a record for another key type").isFalse();
    }
}
