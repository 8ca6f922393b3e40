package org.bulwark.tls;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A trust manager that reads its CAs when a certificate is first checked, not when the
 * configuration loads: a CA directory such as Debian's /etc/ssl/certs holds hundreds of files, and
 * reading them must not hold back the server's first banner. The caller checks at load what can
 * be checked cheaply (the file parses, the directory exists). CAs that cannot be read at first
 * use fail every check: the peer is not trusted.
 */
public final class DeferredTrustManager extends X509ExtendedTrustManager {

    /** Reads the CAs into a trust manager. */
    @FunctionalInterface
    public interface Loader {
        X509TrustManager load() throws GeneralSecurityException, IOException;
    }

    private final Loader loader;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile X509ExtendedTrustManager loaded;

    public DeferredTrustManager(Loader loader) {
        this.loader = loader;
    }

    /** The loaded trust manager; the JDK's (PKIX) is an extended one, which checks names for the socket's endpoint. */
    private X509ExtendedTrustManager delegate() throws CertificateException {
        X509ExtendedTrustManager m = loaded;
        if (m != null) {
            return m;
        }
        lock.lock();
        try {
            if (loaded == null) {
                if (!(loader.load() instanceof X509ExtendedTrustManager x)) {
                    throw new CertificateException("the trust manager cannot check the peer's name");
                }
                loaded = x;
            }
            return loaded;
        } catch (GeneralSecurityException | IOException e) {
            throw new CertificateException(e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate().checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        try {
            return delegate().getAcceptedIssuers();
        } catch (CertificateException e) {
            return new X509Certificate[0];
        }
    }
}
