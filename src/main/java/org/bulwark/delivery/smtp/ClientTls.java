package org.bulwark.delivery.smtp;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bulwark.tls.DeferredTrustManager;
import org.bulwark.tls.PemCredentials;
import org.bulwark.tls.ServerCredential;
import org.bulwark.tls.TlsException;

/**
 * STARTTLS for the SMTP client with the JDK's JSSE. The handshake itself accepts any chain, as
 * opportunistic TLS must (RFC 7435); the chain is then judged against {@code smtp_tls_CAfile} (or
 * the JDK's CAs) and, for {@code verify} and {@code secure}, the expected names, which gives the
 * log's Verified / Trusted / Untrusted. Kept local to this agent; the shared {@code tls} package
 * can take it over.
 */
final class ClientTls {

    /** The handshake's result as the log and the policy need it. */
    /** @param expired the server certificate is outside its validity dates (for TLS-RPT's certificate-expired) */
    record Established(String trust, String protocol, String cipher, int bits, boolean chainTrusted,
            boolean nameMatched, boolean expired) {
    }

    private final SSLContext context;
    private final X509TrustManager trust;

    private ClientTls(SSLContext context, X509TrustManager trust) {
        this.context = context;
        this.trust = trust;
    }

    /** @param caFile {@code smtp_tls_CAfile}: PEM certificates; empty means the JDK's default CAs */
    static ClientTls create(String caFile) {
        return create("smtp_", caFile, "", "", "", List.of());
    }

    /**
     * @param p          the parameters' prefix ({@code smtp_}, {@code lmtp_}), for the messages
     * @param caFile     {@code smtp_tls_CAfile}: PEM certificates; with caPath empty too, the JDK's default CAs
     * @param caPath     {@code smtp_tls_CApath}: a directory of PEM certificates, trusted besides caFile's
     * @param certFile   {@code smtp_tls_cert_file}: the certificate (and chain) shown to a server that
     *                   asks for one; empty for none
     * @param keyFile    {@code smtp_tls_key_file}: its private key (PEM)
     * @param chainFiles {@code smtp_tls_chain_files}: files of a key and its chain each, in place of
     *                   certFile and keyFile when not empty (Postfix 3.4+)
     * @throws IllegalArgumentException naming the parameter whose file cannot be used
     */
    static ClientTls create(String p, String caFile, String caPath, String certFile, String keyFile,
            List<String> chainFiles) {
        X509TrustManager trust;
        try {
            trust = org.bulwark.tls.HttpsRequest.trustManager(caFile, "");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(SmtpTexts.tlsSetupFailed(p + "tls_CAfile", caFile, e.getMessage()), e);
        }
        if (!caPath.isBlank()) {
            if (!Files.isDirectory(Path.of(caPath.strip()))) {
                throw new IllegalArgumentException(SmtpTexts.tlsSetupFailed(p + "tls_CApath", caPath, "no such directory"));
            }
            trust = new DeferredTrustManager(() -> org.bulwark.tls.HttpsRequest.trustManager(caFile, caPath));
        }
        List<ServerCredential> credentials = new ArrayList<>();
        String parameter = p + "tls_chain_files";
        String file = "";
        try {
            for (String chainFile : chainFiles) {
                file = chainFile;
                credentials.add(PemCredentials.chainFile(Path.of(chainFile.strip())));
            }
            if (chainFiles.isEmpty() && !certFile.isBlank()) {
                parameter = p + "tls_cert_file";
                file = certFile;
                credentials.add(PemCredentials.certAndKey(Path.of(certFile.strip()),
                        Path.of((keyFile.isBlank() ? certFile : keyFile).strip())));
            }
        } catch (TlsException e) {
            throw new IllegalArgumentException(SmtpTexts.tlsSetupFailed(parameter, file, e.getMessage()), e);
        }
        KeyManager[] keys = null;
        if (!credentials.isEmpty()) {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                int n = 0;
                for (ServerCredential credential : credentials) {
                    store.setKeyEntry("client" + n++, credential.key(), new char[0],
                            credential.chain().toArray(X509Certificate[]::new));
                }
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(store, new char[0]);
                keys = factory.getKeyManagers();
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalArgumentException(SmtpTexts.tlsSetupFailed(parameter, file, e.getMessage()), e);
            }
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, new TrustManager[] {new AcceptAny()}, null);
            return new ClientTls(context, trust);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(SmtpTexts.tlsSetupFailed(p + "tls_CAfile", caFile, e.getMessage()), e);
        }
    }

    /**
     * Wraps a connected socket and completes the handshake (after 220 to STARTTLS, or at once in
     * wrapper mode).
     *
     * @param peerHost the server's name, for the JDK's session cache
     * @param sni      the name sent as SNI (RFC 6066 §3), or null to send none; an address literal sends none
     */
    SSLSocket handshake(Socket plain, String peerHost, String sni, int timeoutMillis) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(plain, peerHost, plain.getPort(), true);
        socket.setUseClientMode(true);
        SSLParameters parameters = socket.getSSLParameters();
        // The JDK would send peerHost by itself; Postfix sends no SNI unless configured to.
        if (sni != null && sni.indexOf('.') > 0 && !Character.isDigit(sni.charAt(sni.length() - 1))) {
            parameters.setServerNames(List.of(new javax.net.ssl.SNIHostName(sni)));
        } else {
            parameters.setServerNames(List.of());
        }
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(timeoutMillis);
        socket.startHandshake();
        return socket;
    }

    /**
     * Judges the peer's chain against the policy: a CA and the names at {@code verify} and {@code
     * secure}, the certificate associations at {@code dane} and {@code fingerprint} (where a
     * match is Verified whatever the CA), the CA alone otherwise.
     */
    Established judge(SSLSession session, TlsPolicy policy) {
        // Under an MTA-STS policy in testing mode the names are checked, to report, but not required.
        boolean audit = policy.sts() != null && !policy.level().authenticates();
        List<String> expectedNames = policy.level().authenticates() || audit ? policy.names() : List.of();
        boolean trusted = false;
        boolean matched = false;
        X509Certificate[] chain = null;
        try {
            Certificate[] certs = session.getPeerCertificates();
            chain = new X509Certificate[certs.length];
            for (int i = 0; i < certs.length; i++) {
                chain[i] = (X509Certificate) certs[i];
            }
            trust.checkServerTrusted(chain, "UNKNOWN");
            trusted = true;
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            chain = null;
        } catch (CertificateException | ClassCastException | IllegalArgumentException e) {
            trusted = false;
        }
        if (policy.level().matchesAssociations()) {
            matched = chain != null && DaneMatcher.matches(chain, policy.associations(), policy.names());
            // Postfix's TLS_NEVER_SECURED: a match over an insecure MX satisfies the policy, logged as Trusted.
            String word = chain == null ? "Anonymous" : matched && !policy.halfDane() ? "Verified"
                    : matched || trusted ? "Trusted" : "Untrusted";
            return new Established(word, session.getProtocol(), session.getCipherSuite(),
                    bits(session.getCipherSuite()), matched, matched, expired(chain));
        }
        if (policy.level().authenticates() && !policy.associations().isEmpty()) {
            // A policy table's tafile= trust anchors replace smtp_tls_CAfile (Postfix's tls_dane_load_trustfile).
            boolean anchored = chain != null && chain.length > 0
                    && DaneMatcher.matches(chain, policy.associations(), dnsNames(chain[0]));
            matched = anchored && DaneMatcher.matches(chain, policy.associations(), expectedNames);
            String word = chain == null ? "Anonymous" : matched ? "Verified" : anchored ? "Trusted" : "Untrusted";
            return new Established(word, session.getProtocol(), session.getCipherSuite(),
                    bits(session.getCipherSuite()), anchored, matched, expired(chain));
        }
        if (trusted && chain != null && chain.length > 0) {
            matched = expectedNames.isEmpty() || matches(chain[0], expectedNames);
        }
        String word = chain == null ? "Anonymous"
                : trusted && matched && !expectedNames.isEmpty() && !audit ? "Verified"
                : trusted ? "Trusted" : "Untrusted";
        return new Established(word, session.getProtocol(), session.getCipherSuite(), bits(session.getCipherSuite()),
                trusted, matched, expired(chain));
    }

    private static boolean expired(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return false;
        }
        try {
            chain[0].checkValidity();
            return false;
        } catch (java.security.cert.CertificateExpiredException | java.security.cert.CertificateNotYetValidException e) {
            return true;
        }
    }

    /** RFC 6125 §6.4: DNS-ID subjectAltNames, a left-most {@code *} label matching one label. */
    static boolean matches(X509Certificate certificate, List<String> expectedNames) {
        List<String> names = dnsNames(certificate);
        for (String expected : expectedNames) {
            String e = expected.toLowerCase(Locale.ROOT);
            boolean subdomains = e.startsWith(".");
            for (String name : names) {
                if (subdomains ? name.endsWith(e) : name.equals(e) || wildcard(name, e)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The certificate's DNS-ID subjectAltNames, lower-cased; none when they cannot be parsed. */
    static List<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alt = certificate.getSubjectAlternativeNames();
            if (alt != null) {
                for (List<?> entry : alt) {
                    if (entry.size() >= 2 && Integer.valueOf(2).equals(entry.get(0))) {
                        names.add(entry.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        return names;
    }

    private static boolean wildcard(String pattern, String host) {
        if (!pattern.startsWith("*.")) {
            return false;
        }
        int dot = host.indexOf('.');
        return dot > 0 && host.substring(dot + 1).equals(pattern.substring(2));
    }

    private static int bits(String cipher) {
        String c = cipher.toUpperCase(Locale.ROOT);
        if (c.contains("_256_") || c.contains("CHACHA20")) {
            return 256;
        }
        if (c.contains("_128_")) {
            return 128;
        }
        return 0;
    }

    /** The handshake's trust manager: the chain is judged afterwards, by the policy. */
    private static final class AcceptAny implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
