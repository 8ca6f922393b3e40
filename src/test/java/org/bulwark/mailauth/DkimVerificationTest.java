package org.bulwark.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import org.bulwark.dns.DnsResolver;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Inbound DKIM cases of RFC 6376 §6: pass, broken body, broken header, missing, revoked and unreachable keys. */
class DkimVerificationTest {

    private static final String HEADERS = "From: Alice <alice@example.org>\r\nTo: bob@example.net\r\n"
            + "Subject: lunch\r\nDate: Mon, 23 Nov 2026 12:00:00 +0000\r\nMessage-ID: <1@example.org>\r\n";
    private static final String BODY = "Shall we  meet at noon?\r\n\r\n-- \r\nAlice\r\n\r\n";
    private static final long NOW = 1_790_000_000L;

    private TestDnsServer dns;
    private DkimVerifier verifier;
    private KeyPair rsa;
    private KeyPair ed25519;

    @BeforeEach
    void start() throws Exception {
        dns = TestDnsServer.start();
        verifier = new DkimVerifier(DnsResolver.create(List.of(dns.address()), java.time.Duration.ofMillis(500), 1), () -> NOW);
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        rsa = g.generateKeyPair();
        ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private void publish(String selector, KeyPair pair) {
        String txt = DkimKeyRecords.txt(pair.getPublic());
        // One TXT string holds at most 255 characters (RFC 1035 §3.3.14); a 2048-bit key needs two.
        dns.addTxt(selector + "._domainkey.example.org", txt.replaceAll("(.{1,250})", "$1\n").split("\n"));
    }

    private String signed(DkimCanonicalization c, String selector, KeyPair pair) throws Exception {
        DkimSigner signer = new DkimSigner(c, c, DkimSigner.DEFAULT_HEADERS);
        OutputStream hash = signer.bodyHash();
        hash.write(BODY.getBytes(StandardCharsets.US_ASCII));
        DkimSigningKey key = new DkimSigningKey("example.org", selector, DkimKeyFiles.algorithmOf(pair.getPrivate()),
                pair.getPrivate());
        String field = signer.sign(key, MessageHeaders.parse(HEADERS), hash, NOW - 60);
        return field + "\r\n" + HEADERS + "\r\n" + BODY;
    }

    private DkimResult verify(String message) {
        List<DkimResult> results = verifier.verify(message.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(results).hasSize(1);
        return results.getFirst();
    }

    @Test
    void rsaAndEd25519SignaturesPassUnderBothCanonicalizations() throws Exception {
        publish("rsa", rsa);
        publish("ed", ed25519);
        for (DkimCanonicalization c : DkimCanonicalization.values()) {
            assertThat(verify(signed(c, "rsa", rsa)).result()).isEqualTo(DkimResult.Result.PASS);
            assertThat(verify(signed(c, "ed", ed25519)).result()).isEqualTo(DkimResult.Result.PASS);
        }
    }

    @Test
    void relaxedSurvivesRefoldingAndWhitespaceChanges() throws Exception {
        publish("rsa", rsa);
        String message = signed(DkimCanonicalization.RELAXED, "rsa", rsa)
                .replace("Subject: lunch", "subject:   lunch ")
                .replace("meet at", "meet \t at");
        assertThat(verify(message).result()).isEqualTo(DkimResult.Result.PASS);
    }

    @Test
    void aChangedBodyFails() throws Exception {
        publish("rsa", rsa);
        DkimResult r = verify(signed(DkimCanonicalization.RELAXED, "rsa", rsa).replace("noon", "one"));
        assertThat(r.result()).isEqualTo(DkimResult.Result.FAIL);
        assertThat(r.reason()).contains("body hash");
    }

    @Test
    void aChangedSignedHeaderFails() throws Exception {
        publish("ed", ed25519);
        DkimResult r = verify(signed(DkimCanonicalization.RELAXED, "ed", ed25519).replace("Subject: lunch", "Subject: dinner"));
        assertThat(r.result()).isEqualTo(DkimResult.Result.FAIL);
        assertThat(r.reason()).contains("signature did not verify");
    }

    @Test
    void aSecondFromAddedAfterSigningFailsBecauseFromIsOverSigned() throws Exception {
        publish("rsa", rsa);
        String message = signed(DkimCanonicalization.RELAXED, "rsa", rsa);
        message = message.replace("\r\n\r\nShall", "\r\nFrom: mallory@example.com\r\n\r\nShall");
        assertThat(verify(message).result()).isEqualTo(DkimResult.Result.FAIL);
    }

    @Test
    void aMissingKeyIsAPermanentError() throws Exception {
        DkimResult r = verify(signed(DkimCanonicalization.RELAXED, "rsa", rsa));
        assertThat(r.result()).isEqualTo(DkimResult.Result.PERMERROR);
        assertThat(r.reason()).contains("no key");
    }

    @Test
    void aRevokedKeyIsAPermanentError() throws Exception {
        dns.addTxt("rsa._domainkey.example.org", "v=DKIM1; k=rsa; p=");
        DkimResult r = verify(signed(DkimCanonicalization.RELAXED, "rsa", rsa));
        assertThat(r.result()).isEqualTo(DkimResult.Result.PERMERROR);
        assertThat(r.reason()).contains("revoked");
    }

    @Test
    void anUnreachableKeyIsATemporaryError() throws Exception {
        dns.servfail("rsa._domainkey.example.org");
        assertThat(verify(signed(DkimCanonicalization.RELAXED, "rsa", rsa)).result()).isEqualTo(DkimResult.Result.TEMPERROR);
    }

    @Test
    void anExpiredSignatureIsAPermanentError() throws Exception {
        publish("rsa", rsa);
        String message = signed(DkimCanonicalization.SIMPLE, "rsa", rsa);
        // x= before now; the signature no longer matters once expired, so the change needs no re-signing.
        message = message.replaceFirst("t=(\\d+);", "t=$1; x=" + (NOW - 1) + ";");
        assertThat(verify(message).result()).isEqualTo(DkimResult.Result.PERMERROR);
    }

    @Test
    void everySignatureGetsItsOwnResult() throws Exception {
        publish("ed", ed25519);
        String one = signed(DkimCanonicalization.RELAXED, "ed", ed25519);
        String two = signed(DkimCanonicalization.RELAXED, "rsa", rsa);
        String message = two.substring(0, two.indexOf("\r\nFrom:") + 2) + one;
        List<DkimResult> results = verifier.verify(message.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(results).extracting(DkimResult::result)
                .containsExactly(DkimResult.Result.PERMERROR, DkimResult.Result.PASS);
    }

    @Test
    void keyRecordsCarryTheBareEd25519Key() {
        String txt = DkimKeyRecords.txt(ed25519.getPublic());
        assertThat(txt).startsWith("v=DKIM1; k=ed25519; p=");
        assertThat(Base64.getDecoder().decode(txt.substring(txt.indexOf("p=") + 2))).hasSize(32);
    }

    @Test
    void anRsaKeyShorterThan1024BitsIsRefused() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(512);
        KeyPair weak = g.generateKeyPair();
        publish("weak", weak);
        DkimResult r = verify(signed(DkimCanonicalization.RELAXED, "weak", weak));
        assertThat(r.result()).isEqualTo(DkimResult.Result.PERMERROR);
        assertThat(r.reason()).contains("1024");
    }
}
