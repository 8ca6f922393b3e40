package org.bulwark.delivery.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bulwark.tls.PemCredentials;
import org.bulwark.tls.TlsException;

/**
 * Postfix's trust anchor files ({@code smtp_tls_trust_anchor_file}, a policy table's {@code
 * tafile=}): PEM certificates and public keys that replace {@code smtp_tls_CAfile} at {@code
 * verify} and {@code secure}. They need not be roots, may appear in the middle of the server's
 * chain and do not expire, which is what a DANE-TA association gives (RFC 7671 §5.2): each
 * certificate becomes one by certificate ({@code 2 0 0}, found in the chain) and one by key
 * ({@code 2 1 0}, for a chain whose top it signed), each key one by key, and {@link DaneMatcher}
 * does the rest, names included.
 */
final class TrustAnchorFiles {

    private static final Pattern PUBLIC_KEY = Pattern.compile(
            "-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

    private TrustAnchorFiles() {
    }

    /**
     * The anchors of one file.
     *
     * @throws IllegalArgumentException when it cannot be read or holds no certificate or key
     */
    static List<TlsPolicy.Association> load(String file) {
        Path path = Path.of(file.strip());
        List<TlsPolicy.Association> out = new ArrayList<>();
        try {
            for (X509Certificate c : PemCredentials.certificates(path)) {
                out.add(new TlsPolicy.Association(2, 0, null, c.getEncoded()));
                out.add(new TlsPolicy.Association(2, 1, null, c.getPublicKey().getEncoded()));
            }
            Matcher keys = PUBLIC_KEY.matcher(Files.readString(path, StandardCharsets.US_ASCII));
            while (keys.find()) {
                out.add(new TlsPolicy.Association(2, 1, null, Base64.getMimeDecoder().decode(keys.group(1))));
            }
        } catch (TlsException | IOException | CertificateEncodingException | IllegalArgumentException e) {
            throw new IllegalArgumentException(SmtpTexts.trustAnchorFileUnreadable(file, e.getMessage()));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(SmtpTexts.trustAnchorFileUnreadable(file,
                    "no certificate or public key in it"));
        }
        return out;
    }
}
