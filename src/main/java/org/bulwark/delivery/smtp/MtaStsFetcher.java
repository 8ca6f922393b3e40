package org.bulwark.delivery.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bulwark.dns.DnsResolver;
import org.bulwark.dns.DnsResult;
import org.bulwark.tls.PemCredentials;
import org.bulwark.tls.TlsException;

/**
 * Fetches {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} as RFC 8461 §3.3 asks: TLS 1.2
 * or later, a certificate valid for {@code mta-sts.<domain>} from a CA the system trusts (or one
 * of {@code smtp_tls_CAfile}), status 200 with {@code text/plain}, no redirects followed, within
 * a size and a time limit. The host name is resolved through {@code dns_servers}, never the
 * machine's resolver, so the JDK's HttpClient (which would use the latter) is not used: this is a
 * minimal HTTP/1.1 GET (Content-Length, chunked, or to the end of the connection).
 */
final class MtaStsFetcher {

    /** Why the policy could not be had; {@code resultType} is RFC 8460's. */
    static final class FetchFailure extends Exception {
        private final String resultType;

        FetchFailure(String resultType, String reason) {
            super(reason, null, false, false);
            this.resultType = resultType;
        }

        String resultType() {
            return resultType;
        }
    }

    static final String FETCH_ERROR = "sts-policy-fetch-error";
    static final String WEBPKI_INVALID = "sts-webpki-invalid";
    private static final String PATH = "/.well-known/mta-sts.txt";
    private static final int HEADER_LIMIT = 16 * 1024;

    private final DnsResolver dns;
    private final SSLContext context;
    private final int port;
    private final Duration timeout;
    private final int sizeLimit;
    private final boolean ipv4;
    private final boolean ipv6;

    /**
     * @param caFile    {@code smtp_tls_CAfile}: CAs trusted besides the system's; empty for none
     * @param port      443, another in tests
     * @param timeout   for the whole fetch: connect, handshake, request and response
     * @param sizeLimit the most bytes of policy accepted
     */
    MtaStsFetcher(DnsResolver dns, String caFile, int port, Duration timeout, int sizeLimit, String inetProtocols) {
        this.dns = dns;
        this.context = context(caFile);
        this.port = port;
        this.timeout = timeout;
        this.sizeLimit = sizeLimit;
        String p = inetProtocols.toLowerCase(Locale.ROOT);
        this.ipv4 = p.isBlank() || p.contains("all") || p.contains("ipv4");
        this.ipv6 = p.isBlank() || p.contains("all") || p.contains("ipv6");
    }

    /** The system's trust anchors plus those of {@code smtp_tls_CAfile}, verified during the handshake. */
    private static SSLContext context(String caFile) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            for (TrustManager m : system.getTrustManagers()) {
                if (m instanceof X509TrustManager x) {
                    for (X509Certificate c : x.getAcceptedIssuers()) {
                        store.setCertificateEntry("system" + i++, c);
                    }
                }
            }
            if (caFile != null && !caFile.isBlank()) {
                for (X509Certificate c : PemCredentials.certificates(Path.of(caFile.strip()))) {
                    store.setCertificateEntry("cafile" + i++, c);
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException | TlsException e) {
            throw new IllegalArgumentException(SmtpTexts.tlsSetupFailed(caFile, e.getMessage()), e);
        }
    }

    /** The policy text of the domain, or why there is none. */
    String fetch(String domain) throws FetchFailure {
        String host = "mta-sts." + domain;
        long deadline = System.nanoTime() + timeout.toNanos();
        DnsResult<InetAddress> addresses = dns.lookupAddresses(host);
        List<InetAddress> usable = new ArrayList<>();
        for (InetAddress a : addresses.values()) {
            if (a instanceof Inet4Address ? ipv4 : ipv6) {
                usable.add(a);
            }
        }
        if (usable.isEmpty()) {
            throw new FetchFailure(FETCH_ERROR, addresses.isTemporaryFailure()
                    ? SmtpTexts.hostNotFoundTryAgain(host, "A") : SmtpTexts.hostNotFound(host, "A"));
        }
        FetchFailure last = null;
        for (InetAddress address : usable) {
            try {
                return fetch(host, address, deadline);
            } catch (FetchFailure f) {
                last = f;
                if (!f.resultType().equals(FETCH_ERROR) || System.nanoTime() >= deadline) {
                    break;
                }
            }
        }
        throw last;
    }

    private String fetch(String host, InetAddress address, long deadline) throws FetchFailure {
        String where = host + "[" + address.getHostAddress() + "]:" + port;
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(address, port), remaining(deadline));
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(host)));
            // The JDK checks the certificate's names against the host, as RFC 6125 and RFC 8461 §3.3 ask.
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(remaining(deadline));
            try {
                socket.startHandshake();
            } catch (SSLHandshakeException e) {
                throw new FetchFailure(certificateProblem(e) ? WEBPKI_INVALID : FETCH_ERROR,
                        SmtpTexts.stsFetchFailed(where, e.getMessage()));
            }
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + PATH + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/plain\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read(new DeadlineInput(socket, deadline), where);
        } catch (SocketTimeoutException e) {
            throw new FetchFailure(FETCH_ERROR, SmtpTexts.stsFetchFailed(where, "timed out"));
        } catch (IllegalArgumentException e) {
            // SNIHostName refuses a name that is not a valid host name.
            throw new FetchFailure(FETCH_ERROR, SmtpTexts.stsFetchFailed(where, e.getMessage()));
        } catch (IOException e) {
            throw new FetchFailure(FETCH_ERROR, SmtpTexts.stsFetchFailed(where,
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    private static boolean certificateProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                return true;
            }
        }
        return false;
    }

    /** The response: a 200 with text/plain, whose body is the policy. */
    private String read(DeadlineInput in, String where) throws IOException, FetchFailure {
        String status = line(in);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new FetchFailure(FETCH_ERROR, SmtpTexts.stsFetchFailed(where, "not an HTTP response"));
        }
        if (!parts[1].equals("200")) {
            // RFC 8461 §3.3: redirects are not followed; any other status is a failed fetch.
            throw new FetchFailure(FETCH_ERROR, SmtpTexts.stsFetchFailed(where, "HTTP status " + status.substring(
                    parts[0].length()).strip()));
        }
        long length = -1;
        boolean chunked = false;
        String type = null;
        int headerBytes = 0;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            headerBytes += h.length() + 2;
            if (headerBytes > HEADER_LIMIT) {
                throw new FetchFailure(FETCH_ERROR, SmtpTexts.stsFetchFailed(where, "response header too long"));
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).strip();
            switch (name) {
                case "content-length" -> {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new FetchFailure(FETCH_ERROR, SmtpTexts.stsFetchFailed(where, "bad Content-Length"));
                    }
                }
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
                case "content-type" -> type = value.toLowerCase(Locale.ROOT);
                default -> {
                }
            }
        }
        if (type == null || !(type.equals("text/plain") || type.startsWith("text/plain;"))) {
            throw new FetchFailure(FETCH_ERROR, SmtpTexts.stsFetchFailed(where,
                    "Content-Type is " + (type == null ? "missing" : type) + ", not text/plain"));
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (long size = chunkSize(line(in), where); size > 0; size = chunkSize(line(in), where)) {
                copy(in, body, size, where);
                line(in);
            }
        } else if (length >= 0) {
            copy(in, body, length, where);
        } else {
            copy(in, body, Long.MAX_VALUE, where);
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    private static long chunkSize(String line, String where) throws FetchFailure {
        int semicolon = line.indexOf(';');
        try {
            return Long.parseLong((semicolon < 0 ? line : line.substring(0, semicolon)).strip(), 16);
        } catch (NumberFormatException e) {
            throw new FetchFailure(FETCH_ERROR, SmtpTexts.stsFetchFailed(where, "bad chunk size"));
        }
    }

    /** Copies {@code count} bytes (or to the end when {@code Long.MAX_VALUE}), refusing more than the limit. */
    private void copy(InputStream in, ByteArrayOutputStream body, long count, String where)
            throws IOException, FetchFailure {
        if (count != Long.MAX_VALUE && body.size() + count > sizeLimit) {
            throw new FetchFailure(FETCH_ERROR, SmtpTexts.stsFetchFailed(where, SmtpTexts.stsTooLarge(sizeLimit)));
        }
        byte[] buffer = new byte[4096];
        long left = count;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                if (count == Long.MAX_VALUE) {
                    return;
                }
                throw new FetchFailure(FETCH_ERROR, SmtpTexts.stsFetchFailed(where, "connection closed early"));
            }
            body.write(buffer, 0, n);
            left -= n;
            if (body.size() > sizeLimit) {
                throw new FetchFailure(FETCH_ERROR, SmtpTexts.stsFetchFailed(where, SmtpTexts.stsTooLarge(sizeLimit)));
            }
        }
    }

    /** One CRLF-terminated line (a bare LF is taken too), at most the header limit. */
    private static String line(InputStream in) throws IOException, FetchFailure {
        StringBuilder s = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new FetchFailure(FETCH_ERROR, "connection closed in the response header");
            }
            if (b == '\n') {
                int end = s.length();
                return end > 0 && s.charAt(end - 1) == '\r' ? s.substring(0, end - 1) : s.toString();
            }
            if (s.length() >= HEADER_LIMIT) {
                throw new FetchFailure(FETCH_ERROR, "response line too long");
            }
            s.append((char) b);
        }
    }

    private static int remaining(long deadline) throws SocketTimeoutException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException();
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    /** Reads with what is left of the fetch's time as each read's timeout. */
    private static final class DeadlineInput extends InputStream {
        private final Socket socket;
        private final InputStream in;
        private final long deadline;

        DeadlineInput(Socket socket, long deadline) throws IOException {
            this.socket = socket;
            this.in = new java.io.BufferedInputStream(socket.getInputStream());
            this.deadline = deadline;
        }

        @Override
        public int read() throws IOException {
            socket.setSoTimeout(remaining(deadline));
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            socket.setSoTimeout(remaining(deadline));
            return in.read(b, off, len);
        }
    }
}
