package org.bulwark.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bulwark.dns.DnsResolver;
import org.bulwark.testing.TestDnsServer;
import org.junit.jupiter.api.Test;

/**
 * RFC 8463 Appendix A (src/test/resources/dkim, see SOURCE.md there): both signatures verify, and
 * signing the message again with the same tags and keys gives the published fields byte for byte.
 */
class DkimRfc8463Test {

    static final String ED25519_RECORD = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    static final String RSA_RECORD = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR"
            + "iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC"
            + "DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3"
            + "Ip3G+2kryOTIKT+l/K4w3QIDAQAB";

    static byte[] resource(String name) throws IOException {
        try (InputStream in = DkimRfc8463Test.class.getResourceAsStream("/dkim/" + name)) {
            return in.readAllBytes();
        }
    }

    static Path resourcePath(String name) throws URISyntaxException {
        return Path.of(DkimRfc8463Test.class.getResource("/dkim/" + name).toURI());
    }

    static TestDnsServer footballDns() throws IOException {
        TestDnsServer dns = TestDnsServer.start();
        dns.addTxt("brisbane._domainkey.football.example.com", ED25519_RECORD);
        dns.addTxt("test._domainkey.football.example.com", RSA_RECORD.substring(0, 200), RSA_RECORD.substring(200));
        return dns;
    }

    @Test
    void bothPublishedSignaturesVerify() throws Exception {
        try (TestDnsServer dns = footballDns()) {
            DkimVerifier verifier = new DkimVerifier(DnsResolver.create(List.of(dns.address())));
            List<DkimResult> results = verifier.verify(resource("rfc8463/signed.eml"));
            assertThat(results).extracting(DkimResult::result)
                    .containsExactly(DkimResult.Result.PASS, DkimResult.Result.PASS);
            assertThat(results).extracting(DkimResult::selector).containsExactly("brisbane", "test");
        }
    }

    @Test
    void dkimpySimpleSimpleSignaturesVerify() throws Exception {
        try (TestDnsServer dns = footballDns()) {
            DkimVerifier verifier = new DkimVerifier(DnsResolver.create(List.of(dns.address())));
            assertThat(verifier.verify(resource("dkimpy/rfc8463-draft.simple-simple.signed.eml")))
                    .extracting(DkimResult::result)
                    .containsExactly(DkimResult.Result.PASS, DkimResult.Result.PASS);
        }
    }

    @Test
    void resigningReproducesThePublishedFieldsByteForByte() throws Exception {
        byte[] message = resource("rfc8463/signed.eml");
        List<HeaderField> headers = MessageHeaders.of(message);
        List<HeaderField> published = headers.stream().filter(h -> h.is("DKIM-Signature")).toList();
        List<HeaderField> content = headers.stream().filter(h -> !h.is("DKIM-Signature")).toList();
        List<String> names = List.of("from", "to", "subject", "date", "message-id", "from", "subject", "date");
        DkimSigner signer = DkimSigner.withDefaults();
        var bodyHash = signer.bodyHash();
        int body = MessageHeaders.bodyOffset(message);
        bodyHash.write(message, body, message.length - body);
        byte[] hash = ((DkimBodyHash) bodyHash).digest();
        assertThat(Base64.getEncoder().encodeToString(hash)).isEqualTo("2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");

        DkimSigningKey ed25519 = new DkimSigningKey("football.example.com", "brisbane", DkimAlgorithm.ED25519_SHA256,
                DkimKeyFiles.read(resourcePath("rfc8463/derived/brisbane.ed25519.private.pkcs8.pem")));
        DkimSigningKey rsa = new DkimSigningKey("football.example.com", "test", DkimAlgorithm.RSA_SHA256,
                DkimKeyFiles.read(resourcePath("rfc8463/test.rsa.private.pkcs1.pem")));
        List<String> fields = new ArrayList<>();
        for (DkimSigningKey key : List.of(ed25519, rsa)) {
            fields.add(signer.sign(key, content, names, hash, tags(key)));
        }
        assertThat(fields).containsExactly(published.get(0).raw(), published.get(1).raw());
    }

    @Test
    void signedDataMatchesTheDerivedVectors() throws Exception {
        byte[] message = resource("rfc8463/signed.eml");
        List<HeaderField> headers = MessageHeaders.of(message);
        DkimSignature first = DkimSignature.parse(headers.get(0));
        byte[] data = DkimHeaderHash.signedData(headers, first.signedHeaders(), first.headerCanonicalization(), first.field());
        assertThat(new String(data, StandardCharsets.ISO_8859_1))
                .isEqualTo(new String(resource("rfc8463/derived/brisbane-ed25519.signed-header-data.relaxed.txt"),
                        StandardCharsets.ISO_8859_1));
    }

    private static Map<String, String> tags(DkimSigningKey key) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("v", "1");
        tags.put("a", key.algorithm().keyword());
        tags.put("c", "relaxed/relaxed");
        tags.put("d", key.domain());
        tags.put("i", "@" + key.domain());
        tags.put("q", "dns/txt");
        tags.put("s", key.selector());
        tags.put("t", "1528637909");
        return tags;
    }
}
