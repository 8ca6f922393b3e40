package org.bulwark.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.bulwark.config.Config;
import org.bulwark.config.SecretFiles;

/**
 * The SMTP server's TLS side for one service: the keys from smtpd_tls_chain_files (or
 * smtpd_tls_cert_file and smtpd_tls_key_file), the protocols and ciphers allowed, client
 * certificates (smtpd_tls_ask_ccert, smtpd_tls_req_ccert, verified against smtpd_tls_CAfile and
 * smtpd_tls_CApath), and the sockets for STARTTLS (RFC 3207) and wrapper mode (RFC 8314 §3.3).
 * {@link #reload()} reads the key, certificate and CA files again; sessions already encrypted keep
 * what they started with.
 */
public final class ServerTls {

    private final Config config;
    private final TlsLevel level;
    private final boolean requireClientCertificate;
    private final boolean askClientCertificate;
    private volatile Context current;

    private record Context(SSLContext ssl, List<ServerCredential> credentials, String[] protocols, String[] ciphers,
            ClientTrust clientTrust) {
    }

    /** An encrypted connection and what its handshake agreed on, the client's certificate included. */
    public record Established(SSLSocket socket, TlsSummary summary) {
    }

    private ServerTls(Config config, TlsLevel level, boolean wrapper) throws TlsException {
        this.config = config;
        this.level = level;
        // smtpd_tls_req_ccert applies only where TLS is required (level encrypt, or wrapper mode,
        // where nothing goes in plaintext); it implies smtpd_tls_ask_ccert.
        this.requireClientCertificate = config.bool("smtpd_tls_req_ccert") && (level == TlsLevel.ENCRYPT || wrapper);
        this.askClientCertificate = config.bool("smtpd_tls_ask_ccert") || requireClientCertificate;
        this.current = build(config, level, askClientCertificate);
    }

    /**
     * The TLS side of a service, or {@code null} when the service offers no TLS (level none and no
     * wrapper mode).
     *
     * @throws TlsException when TLS is asked for but the files or settings are unusable
     */
    public static ServerTls forService(Config config) throws TlsException {
        TlsLevel level = TlsLevel.of(config);
        boolean wrapper = config.bool("smtpd_tls_wrappermode");
        if (level == TlsLevel.NONE && !wrapper) {
            return null;
        }
        return new ServerTls(config, level, wrapper);
    }

    public TlsLevel level() {
        return level;
    }

    /** Whether handshakes ask the client for a certificate (smtpd_tls_ask_ccert, or implied by req_ccert). */
    public boolean asksClientCertificate() {
        return askClientCertificate;
    }

    /** Whether a session without a verified client certificate is refused (smtpd_tls_req_ccert where TLS is required). */
    public boolean requiresClientCertificate() {
        return requireClientCertificate;
    }

    /** smtpd_tls_req_ccert is set where TLS is optional: Postfix ignores it, with a warning. */
    public boolean ignoresRequiredClientCertificate() {
        return config.bool("smtpd_tls_req_ccert") && !requireClientCertificate;
    }

    /** The keys in use, one per algorithm. */
    public List<ServerCredential> credentials() {
        return current.credentials();
    }

    /** Reads the key and certificate files again; on failure the old ones stay in use. */
    public void reload() throws TlsException {
        current = build(config, level, askClientCertificate);
    }

    /**
     * Turns an accepted plain connection into a TLS one and completes the handshake; used right
     * after {@code 220 Ready to start TLS} and, in wrapper mode, before the greeting. A handshake
     * that takes longer than {@code timeout} fails.
     */
    public Established handshake(Socket plain, java.time.Duration timeout) throws IOException {
        Context c = current;
        SSLSocket socket = (SSLSocket) c.ssl().getSocketFactory()
                .createSocket(plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
        socket.setUseClientMode(false);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(c.protocols());
        parameters.setCipherSuites(c.ciphers());
        // The server's order, as Postfix's tls_preempt_cipherlist; strongest suites come first.
        parameters.setUseCipherSuitesOrder(true);
        // Never "need": like Postfix, a missing or untrusted certificate does not fail the
        // handshake; smtpd decides afterwards (smtpd_tls_req_ccert, the restrictions).
        parameters.setNeedClientAuth(false);
        parameters.setWantClientAuth(c.clientTrust() != null);
        socket.setSSLParameters(parameters);
        int before = plain.getSoTimeout();
        plain.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
        try {
            socket.startHandshake();
        } finally {
            restoreTimeout(plain, before);
        }
        ClientCertificate peer = c.clientTrust() == null ? null : c.clientTrust().examine(socket.getSession());
        TlsSummary basic = TlsSummary.of(socket.getSession());
        return new Established(socket, new TlsSummary(basic.protocol(), basic.cipher(), basic.bits(), peer,
                c.clientTrust() != null));
    }

    private static void restoreTimeout(Socket socket, int timeout) {
        try {
            socket.setSoTimeout(timeout);
        } catch (IOException e) {
            // The socket is closed: the failed handshake is what the caller hears about.
        }
    }

    private static Context build(Config config, TlsLevel level, boolean askClientCertificate) throws TlsException {
        List<ServerCredential> credentials = credentials(config);
        String protocolSetting = level == TlsLevel.ENCRYPT ? "smtpd_tls_mandatory_protocols" : "smtpd_tls_protocols";
        String cipherSetting = level == TlsLevel.ENCRYPT ? "smtpd_tls_mandatory_ciphers" : "smtpd_tls_ciphers";
        List<String> protocols = TlsProtocols.enabled(config.list(protocolSetting));
        ClientTrust clientTrust = askClientCertificate ? ClientTrust.from(config) : null;
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            int n = 0;
            for (ServerCredential credential : credentials) {
                store.setKeyEntry("key" + n++, credential.key(), password,
                        credential.chain().toArray(X509Certificate[]::new));
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(keys.getKeyManagers(),
                    clientTrust == null ? null : new javax.net.ssl.TrustManager[] {clientTrust.trustManager()}, null);
            int timeout = (int) Math.min(Integer.MAX_VALUE, config.time("smtpd_tls_session_cache_timeout").toSeconds());
            ssl.getServerSessionContext().setSessionTimeout(timeout);
            String[] ciphers = CipherPolicy.enabled(config.get(cipherSetting),
                    ssl.getSupportedSSLParameters().getCipherSuites()).toArray(String[]::new);
            return new Context(ssl, credentials, protocols.toArray(String[]::new), ciphers, clientTrust);
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsException(e.getMessage());
        }
    }

    /** smtpd_tls_chain_files wins over the cert/key pair, as in Postfix 3.4+. */
    private static List<ServerCredential> credentials(Config config) throws TlsException {
        List<ServerCredential> out = new ArrayList<>();
        for (String file : config.list("smtpd_tls_chain_files")) {
            SecretFiles.requirePrivate("smtpd_tls_chain_files", Path.of(file));
            out.add(PemCredentials.chainFile(Path.of(file)));
        }
        if (out.isEmpty()) {
            String cert = config.get("smtpd_tls_cert_file").trim();
            if (cert.isEmpty()) {
                throw new TlsException(TlsTexts.noCredentials());
            }
            String key = config.get("smtpd_tls_key_file").trim();
            SecretFiles.requirePrivate(key.isEmpty() ? "smtpd_tls_cert_file" : "smtpd_tls_key_file",
                    Path.of(key.isEmpty() ? cert : key));
            out.add(PemCredentials.certAndKey(Path.of(cert), Path.of(key.isEmpty() ? cert : key)));
            String ecCert = config.get("smtpd_tls_eccert_file").trim();
            if (!ecCert.isEmpty()) {
                String ecKey = config.get("smtpd_tls_eckey_file").trim();
                SecretFiles.requirePrivate(ecKey.isEmpty() ? "smtpd_tls_eccert_file" : "smtpd_tls_eckey_file",
                        Path.of(ecKey.isEmpty() ? ecCert : ecKey));
                out.add(PemCredentials.certAndKey(Path.of(ecCert), Path.of(ecKey.isEmpty() ? ecCert : ecKey)));
            }
        }
        return out;
    }
}
