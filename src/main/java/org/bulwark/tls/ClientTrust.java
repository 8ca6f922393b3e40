package org.bulwark.tls;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.bulwark.config.Config;
import org.bulwark.config.ConfigException;

/**
 * Verifying client certificates as Postfix does: the trust anchors of smtpd_tls_CAfile and
 * smtpd_tls_CApath (and the JDK's own with tls_append_default_CA), a chain of at most
 * smtpd_tls_ccert_verifydepth certificates above the leaf, and a leaf fit for TLS client use.
 *
 * <p>Like Postfix, the handshake never fails over the client's certificate: the trust manager
 * accepts any chain (the TLS layer still checks that the client holds its key), and
 * {@link #examine} decides afterwards whether it is trusted. An untrusted certificate can still
 * be pinned by its fingerprint (permit_tls_clientcerts, check_ccert_access).
 */
final class ClientTrust {

    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_USAGE = "2.5.29.37.0";

    private final Set<TrustAnchor> anchors;
    /** The CAfile's certificates: their names go into the certificate request, as Postfix sends them. */
    private final X509Certificate[] requested;
    private final int verifyDepth;
    private final Fingerprints fingerprints;

    private ClientTrust(Set<TrustAnchor> anchors, X509Certificate[] requested, int verifyDepth,
            Fingerprints fingerprints) {
        this.anchors = anchors;
        this.requested = requested;
        this.verifyDepth = verifyDepth;
        this.fingerprints = fingerprints;
    }

    /** @throws TlsException when a CA file or directory cannot be read, or a setting is bad */
    static ClientTrust from(Config config) throws TlsException {
        Fingerprints fingerprints = Fingerprints.of(config.get("smtpd_tls_fingerprint_digest"));
        List<X509Certificate> fromFile = new ArrayList<>();
        String caFile = config.get("smtpd_tls_CAfile").trim();
        if (!caFile.isEmpty()) {
            fromFile.addAll(caCertificates(Path.of(caFile)));
        }
        Set<TrustAnchor> anchors = new HashSet<>();
        fromFile.forEach(c -> anchors.add(new TrustAnchor(c, null)));
        String caPath = config.get("smtpd_tls_CApath").trim();
        if (!caPath.isEmpty()) {
            for (X509Certificate c : PemCredentials.caDirectory(Path.of(caPath))) {
                anchors.add(new TrustAnchor(c, null));
            }
        }
        if (config.bool("tls_append_default_CA")) {
            for (X509Certificate c : jdkDefaults()) {
                anchors.add(new TrustAnchor(c, null));
            }
        }
        int verifyDepth;
        try {
            verifyDepth = config.integer("smtpd_tls_ccert_verifydepth");
        } catch (ConfigException notANumber) {
            verifyDepth = -1;
        }
        if (verifyDepth < 0) {
            throw new TlsException(TlsTexts.badVerifyDepth(config.get("smtpd_tls_ccert_verifydepth").trim()));
        }
        return new ClientTrust(Set.copyOf(anchors), fromFile.toArray(X509Certificate[]::new), verifyDepth,
                fingerprints);
    }

    /** What the client presented in this session, or null when it sent no certificate. */
    ClientCertificate examine(SSLSession session) {
        X509Certificate[] chain;
        try {
            chain = (X509Certificate[]) session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException | ClassCastException e) {
            return null;
        }
        if (chain == null || chain.length == 0) {
            return null;
        }
        return ClientCertificate.of(chain[0], fingerprints, problem(chain));
    }

    /** Why the chain is not trusted, in Postfix's words; null when it is. */
    String problem(X509Certificate[] chain) {
        X509Certificate leaf = chain[0];
        try {
            leaf.checkValidity();
        } catch (CertificateExpiredException e) {
            return "certificate has expired";
        } catch (CertificateNotYetValidException e) {
            return "certificate not yet valid";
        }
        if (!fitForClientUse(leaf)) {
            return "not designated for use as a client certificate";
        }
        if (anchors.isEmpty()) {
            return untrusted(chain);
        }
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate c : chain) {
            if (isAnchor(c)) {
                break; // the path ends below its trust anchor
            }
            path.add(c);
        }
        if (path.isEmpty()) {
            return null; // the leaf itself is in the CA file: trusted as Postfix's OpenSSL trusts it
        }
        // smtpd_tls_ccert_verifydepth counts the certificates above the leaf, the anchor included.
        if (path.size() > verifyDepth) {
            return "certificate chain longer than limit(" + verifyDepth + ")";
        }
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
            return null;
        } catch (CertPathValidatorException e) {
            return untrusted(chain);
        } catch (GeneralSecurityException e) {
            return String.valueOf(e.getMessage());
        }
    }

    private boolean isAnchor(X509Certificate c) {
        return anchors.stream().anyMatch(a -> a.getTrustedCert().equals(c));
    }

    private static String untrusted(X509Certificate[] chain) {
        X509Certificate top = chain[chain.length - 1];
        if (top.getSubjectX500Principal().equals(top.getIssuerX500Principal())) {
            return chain.length == 1 ? "self-signed certificate" : "self-signed certificate in certificate chain";
        }
        return "untrusted issuer " + oneLine(top.getIssuerX500Principal().getName());
    }

    /** OpenSSL's one-line form of a name, {@code /O=Example/CN=Example CA}. */
    private static String oneLine(String rfc2253) {
        List<String> parts = new ArrayList<>(List.of(rfc2253.split(",(?=[A-Za-z0-9.]+=)")));
        java.util.Collections.reverse(parts);
        return "/" + String.join("/", parts);
    }

    /** OpenSSL's SSL client purpose: an extended key usage, if present, must allow client auth. */
    private static boolean fitForClientUse(X509Certificate leaf) {
        try {
            List<String> usages = leaf.getExtendedKeyUsage();
            if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_USAGE)) {
                return false;
            }
        } catch (java.security.cert.CertificateParsingException e) {
            return false;
        }
        boolean[] keyUsage = leaf.getKeyUsage();
        // digitalSignature (0) or keyAgreement (4), as OpenSSL's check_purpose_ssl_client asks.
        return keyUsage == null || keyUsage[0] || (keyUsage.length > 4 && keyUsage[4]);
    }

    /** A trust manager that asks for a certificate, names the CAfile's CAs, and accepts any chain. */
    X509ExtendedTrustManager trustManager() {
        X509Certificate[] issuers = requested.clone();
        return new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws java.security.cert.CertificateException {
                throw new java.security.cert.CertificateException("a server does not verify servers");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws java.security.cert.CertificateException {
                throw new java.security.cert.CertificateException("a server does not verify servers");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType)
                    throws java.security.cert.CertificateException {
                throw new java.security.cert.CertificateException("a server does not verify servers");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return issuers.clone();
            }
        };
    }

    private static List<X509Certificate> caCertificates(Path file) throws TlsException {
        if (!Files.isReadable(file)) {
            throw new TlsException(TlsTexts.cannotLoadCa("CAfile", file));
        }
        List<X509Certificate> certificates = PemCredentials.certificates(file);
        if (certificates.isEmpty()) {
            throw new TlsException(TlsTexts.cannotLoadCa("CAfile", file));
        }
        return certificates;
    }

    private static List<X509Certificate> jdkDefaults() throws TlsException {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            List<X509Certificate> out = new ArrayList<>();
            for (var manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    out.addAll(List.of(x509.getAcceptedIssuers()));
                }
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new TlsException(e.getMessage());
        }
    }

}
