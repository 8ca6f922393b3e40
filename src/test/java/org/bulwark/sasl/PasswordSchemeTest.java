package org.bulwark.sasl;

import static org.assertj.core.api.Assertions.assertThat;

import org.bulwark.testing.Peers;
import org.bulwark.testing.OpensslCertificates;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Hashes made by Dovecot's doveadm verify here, and ours verify with doveadm pw -t. */
class PasswordSchemeTest {

    @ParameterizedTest
    @ValueSource(strings = {"SHA512-CRYPT", "SHA256-CRYPT", "BLF-CRYPT", "ARGON2ID", "SCRAM-SHA-256", "PLAIN"})
    void verifiesHashesMadeByDoveadm(String scheme) throws Exception {
        String hash = OpensslCertificates.run(Peers.doveadm(), "pw", "-s", scheme, "-p", "s3cret word").strip();
        assertThat(hash).startsWith("{" + scheme + "}");
        assertThat(PasswordScheme.verify(hash, "s3cret word")).isTrue();
        assertThat(PasswordScheme.verify(hash, "s3cret wore")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(PasswordScheme.class)
    void doveadmVerifiesOurHashes(PasswordScheme scheme) throws Exception {
        String hash = scheme.hash("s3cret word");
        assertThat(hash).startsWith("{" + scheme.dovecotName() + "}");
        String out = OpensslCertificates.run(Peers.doveadm(), "pw", "-t", hash, "-p", "s3cret word");
        assertThat(out).contains("(verified)");
        assertThat(PasswordScheme.verify(hash, "s3cret word")).isTrue();
        assertThat(PasswordScheme.verify(hash, "other")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{SHA512-CRYPT}", "{BLF-CRYPT}$2y$05$short", "{ARGON2ID}$argon2id$v=19$m=x", "{NOPE}abc",
        "{SCRAM-SHA-256}1,2", "no-scheme-and-no-crypt"})
    void malformedHashesMatchNothing(String stored) {
        assertThat(PasswordScheme.verify(stored, "")).isFalse();
        assertThat(PasswordScheme.verify(stored, "x")).isFalse();
    }
}
