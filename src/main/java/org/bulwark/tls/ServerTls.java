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
 * smtpd_tls_cert_file and smtpd_tls_key_file), the protocols and ciphers allowed, and the sockets
 * for STARTTLS (RFC 3207) and wrapper mode (RFC 8314 §3.3). {@link #reload()} reads the files
 * again; sessions already encrypted keep the keys they started with.
 */
public final class ServerTls {

    private final Config config;
    private final TlsLevel level;
    private volatile Context current;

    private record Context(SSLContext ssl, List<ServerCredential> credentials, String[] protocols, String[] ciphers) {
    }

    private ServerTls(Config config, TlsLevel level, Context context) {
        this.config = config;
        this.level = level;
        this.current = context;
    }

    /**
     * The TLS side of a service, or {@code null} when the service offers no TLS (level none and no
     * wrapper mode).
     *
     * @throws TlsException when TLS is asked for but the files or settings are unusable
     */
    public static ServerTls forService(Config config) throws TlsException {
        TlsLevel level = TlsLevel.of(config);
        boolean wrapper = !config.get("smtpd_tls_wrappermode").isBlank() && config.bool("smtpd_tls_wrappermode");
        if (level == TlsLevel.NONE && !wrapper) {
            return null;
        }
        return new ServerTls(config, level, build(config, level));
    }

    public TlsLevel level() {
        return level;
    }

    /** The keys in use, one per algorithm. */
    public List<ServerCredential> credentials() {
        return current.credentials();
    }

    /** Reads the key and certificate files again; on failure the old ones stay in use. */
    public void reload() throws TlsException {
        current = build(config, level);
    }

    /**
     * Turns an accepted plain connection into a TLS one and completes the handshake; used right
     * after {@code 220 Ready to start TLS} and, in wrapper mode, before the greeting.
     */
    public SSLSocket handshake(Socket plain) throws IOException {
        Context c = current;
        SSLSocket socket = (SSLSocket) c.ssl().getSocketFactory()
                .createSocket(plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
        socket.setUseClientMode(false);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(c.protocols());
        parameters.setCipherSuites(c.ciphers());
        // The server's order, as Postfix's tls_preempt_cipherlist; strongest suites come first.
        parameters.setUseCipherSuitesOrder(true);
        parameters.setNeedClientAuth(false);
        parameters.setWantClientAuth(false);
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private static Context build(Config config, TlsLevel level) throws TlsException {
        List<ServerCredential> credentials = credentials(config);
        String protocolSetting = level == TlsLevel.ENCRYPT ? "smtpd_tls_mandatory_protocols" : "smtpd_tls_protocols";
        String cipherSetting = level == TlsLevel.ENCRYPT ? "smtpd_tls_mandatory_ciphers" : "smtpd_tls_ciphers";
        List<String> protocols = TlsProtocols.enabled(config.list(protocolSetting));
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
            ssl.init(keys.getKeyManagers(), null, null);
            int timeout = (int) Math.min(Integer.MAX_VALUE, config.time("smtpd_tls_session_cache_timeout").toSeconds());
            ssl.getServerSessionContext().setSessionTimeout(timeout);
            String[] ciphers = CipherPolicy.enabled(config.get(cipherSetting),
                    ssl.getSupportedSSLParameters().getCipherSuites()).toArray(String[]::new);
            return new Context(ssl, credentials, protocols.toArray(String[]::new), ciphers);
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
