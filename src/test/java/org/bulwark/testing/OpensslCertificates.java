package org.bulwark.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Key and certificate files made by the openssl command, as the guides make them, in the three
 * PEM key forms servers meet: PKCS#1, PKCS#8 and SEC 1 (EC); {@link TestCertificates} makes them
 * in memory instead. Plus a client context that trusts any certificate, since the tests check
 * the handshake, not a CA.
 */
public final class OpensslCertificates {

    private OpensslCertificates() {
    }

    /** The key forms. */
    public enum KeyForm { RSA_PKCS1, RSA_PKCS8, EC }

    public static String openssl() {
        if (!Files.isExecutable(Path.of("/usr/bin/openssl"))) {
            throw new AssertionError("openssl is needed by this test but is not installed; run: apt-get install openssl");
        }
        return "/usr/bin/openssl";
    }

    /** Writes {@code name.key} and {@code name.crt} into {@code dir}; returns {key, cert}. */
    public static Path[] make(Path dir, String name, KeyForm form, String host) throws IOException, InterruptedException {
        return make(dir, name, form, host, 30);
    }

    /** As {@link #make(Path, String, KeyForm, String)}, with a certificate valid for {@code days} from now. */
    public static Path[] make(Path dir, String name, KeyForm form, String host, int days)
            throws IOException, InterruptedException {
        Path key = dir.resolve(name + ".key");
        Path cert = dir.resolve(name + ".crt");
        switch (form) {
            case RSA_PKCS1 -> run(openssl(), "genrsa", "-traditional", "-out", key.toString(), "2048");
            case RSA_PKCS8 -> run(openssl(), "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                    "-out", key.toString());
            case EC -> run(openssl(), "ecparam", "-name", "prime256v1", "-genkey", "-out", key.toString());
        }
        run(openssl(), "req", "-new", "-x509", "-key", key.toString(), "-out", cert.toString(), "-days", Integer.toString(days),
                "-subj", "/CN=" + host, "-addext", "subjectAltName=DNS:" + host);
        return new Path[] {key, cert};
    }

    /** A chain file as smtpd_tls_chain_files wants it: the key, then the certificate. */
    public static Path chainFile(Path dir, String name, KeyForm form, String host) throws IOException, InterruptedException {
        Path[] files = make(dir, name, form, host);
        Path chain = dir.resolve(name + ".pem");
        Files.writeString(chain, Files.readString(files[0]) + Files.readString(files[1]));
        // It holds the private key: readable by its owner only, or the server refuses it.
        Files.setPosixFilePermissions(chain, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return chain;
    }

    /** A certification authority for client certificates: {@code name.key} and {@code name.crt}; returns {key, cert}. */
    public static Path[] certificateAuthority(Path dir, String name, String commonName)
            throws IOException, InterruptedException {
        Path key = dir.resolve(name + ".key");
        Path cert = dir.resolve(name + ".crt");
        run(openssl(), "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "30", "-subj", "/CN=" + commonName,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return new Path[] {key, cert};
    }

    /**
     * A client certificate for {@code commonName} signed by {@code ca} (from
     * {@link #certificateAuthority}), for TLS client authentication; returns {key, cert}.
     */
    public static Path[] clientCertificate(Path dir, String name, Path[] ca, String commonName)
            throws IOException, InterruptedException {
        Path key = dir.resolve(name + ".key");
        Path request = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".crt");
        Path extensions = dir.resolve(name + ".ext");
        Files.writeString(extensions, "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n"
                + "extendedKeyUsage=clientAuth\n");
        run(openssl(), "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", request.toString(), "-subj", "/CN=" + commonName);
        run(openssl(), "x509", "-req", "-in", request.toString(), "-CA", ca[1].toString(), "-CAkey", ca[0].toString(),
                "-CAcreateserial", "-out", cert.toString(), "-days", "30", "-extfile", extensions.toString());
        return new Path[] {key, cert};
    }

    /** A certificate's fingerprint as openssl prints it ({@code x509 -fingerprint -sha256}). */
    public static String fingerprint(Path cert, String digest) throws IOException, InterruptedException {
        String out = run(openssl(), "x509", "-noout", "-fingerprint", "-" + digest, "-in", cert.toString()).strip();
        return out.substring(out.indexOf('=') + 1);
    }

    /** The digest of a certificate's DER public key, as postconf(5) shows how to compute it. */
    public static String publicKeyFingerprint(Path cert, String digest) throws IOException, InterruptedException {
        Path der = cert.resolveSibling(cert.getFileName() + ".pub.der");
        String pem = run(openssl(), "x509", "-in", cert.toString(), "-noout", "-pubkey");
        Path pemFile = cert.resolveSibling(cert.getFileName() + ".pub.pem");
        Files.writeString(pemFile, pem);
        run(openssl(), "pkey", "-pubin", "-in", pemFile.toString(), "-outform", "DER", "-out", der.toString());
        String out = run(openssl(), "dgst", "-" + digest, "-c", der.toString()).strip();
        return out.substring(out.indexOf("= ") + 2);
    }

    public static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    /** A client context that accepts any server certificate and records the ones it saw. */
    public static SSLContext trustingClient(List<X509Certificate> seen) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen.addAll(List.of(chain));
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        return context;
    }

    public static SSLContext trustingClient() throws Exception {
        return trustingClient(new ArrayList<>());
    }
}
