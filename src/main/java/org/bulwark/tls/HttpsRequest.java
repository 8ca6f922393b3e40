package org.bulwark.tls;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * One HTTPS/1.1 request, as a mail server makes them (an MTA-STS policy fetched, RFC 8461 §3.3; a
 * TLS report posted, RFC 8460 §5.4): to addresses the caller resolved with its own resolver, the
 * server's certificate checked against the CAs (PKIX) and the host name (RFC 6125, SNI sent),
 * redirects not followed, the whole exchange within a time limit and the answer within a size.
 * Kept this small on purpose: no keep-alive, no compression, no proxies.
 */
public final class HttpsRequest {

    private static final int MAX_HEADER_LINE = 8192;
    private static final int MAX_HEADER_LINES = 100;

    /** The answer: the status, its Content-Type ("" when none), the Location of a redirect (not followed) or "", and the body. */
    public record Response(int status, String contentType, String location, byte[] body) {
        public boolean successful() {
            return status / 100 == 2;
        }
    }

    /** The answer was larger than the caller allows; a caller may name its own limit in the text it shows. */
    public static final class TooLarge extends IOException {
        TooLarge(int max) {
            super(TlsTexts.httpTooLarge(max));
        }
    }

    /** An https: URL taken apart. */
    public record Target(String host, int port, String path) {

        /** @throws IllegalArgumentException unless {@code url} is an https: URL with a host name */
        public static Target parse(String url) {
            try {
                URI uri = new URI(url.strip());
                if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getRawUserInfo() != null) {
                    throw new IllegalArgumentException(TlsTexts.notHttpsUrl(url));
                }
                String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
                if (uri.getRawQuery() != null) {
                    path += "?" + uri.getRawQuery();
                }
                return new Target(uri.getHost().toLowerCase(Locale.ROOT), uri.getPort() < 0 ? 443 : uri.getPort(), path);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(TlsTexts.notHttpsUrl(url), e);
            }
        }

        private String hostHeader() {
            return port == 443 ? host : host + ":" + port;
        }
    }

    private final SSLContext context;

    private HttpsRequest(SSLContext context) {
        this.context = context;
    }

    /** @param caFile PEM certificates of the CAs to trust; empty means the JDK's own */
    public static HttpsRequest trusting(String caFile) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager(caFile)}, null);
            return new HttpsRequest(context);
        } catch (GeneralSecurityException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Trusting the JDK's CAs and, besides them, those of {@code caFile} (RFC 8461 §3.3: an MTA-STS
     * policy host has a certificate from a CA a sender trusts anyway).
     *
     * @param caFile PEM certificates of further CAs; empty for none
     */
    public static HttpsRequest trustingAlso(String caFile) throws IOException {
        return trustingAlso(caFile, "");
    }

    /**
     * As {@link #trustingAlso(String)}, with the CAs of a CA directory besides.
     *
     * @param caPath a directory of PEM certificates ({@code smtp_tls_CApath}); empty for none
     */
    public static HttpsRequest trustingAlso(String caFile, String caPath) throws IOException {
        try {
            // What cannot be read stops the start; the JDK's CAs and the directory's many files are read at first use.
            if (caFile != null && !caFile.isBlank()) {
                certificates(caFile);
            }
            if (caPath != null && !caPath.isBlank() && !Files.isDirectory(Path.of(caPath.strip()))) {
                throw new IOException("no such directory");
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new DeferredTrustManager(() -> jdkAndMore(caFile, caPath))}, null);
            return new HttpsRequest(context);
        } catch (GeneralSecurityException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static X509TrustManager jdkAndMore(String caFile, String caPath) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (java.security.cert.X509Certificate c : trustManager("").getAcceptedIssuers()) {
            store.setCertificateEntry("jdk" + i++, c);
        }
        if (caFile != null && !caFile.isBlank()) {
            for (Certificate c : certificates(caFile)) {
                store.setCertificateEntry("ca" + i++, c);
            }
        }
        for (Certificate c : directory(caPath)) {
            store.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager m : factory.getTrustManagers()) {
            if (m instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /** The certificates of a CA directory; none for an empty name. */
    private static Collection<? extends Certificate> directory(String caPath) throws IOException {
        if (caPath == null || caPath.isBlank()) {
            return List.of();
        }
        Path dir = Path.of(caPath.strip());
        if (!Files.isDirectory(dir)) {
            throw new IOException("no such directory");
        }
        try {
            return PemCredentials.caDirectory(dir);
        } catch (TlsException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static Collection<? extends Certificate> certificates(String caFile)
            throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(Path.of(caFile.trim()))) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }

    /** The trust manager of a CA file (PEM certificates), or of the JDK's CAs when it is empty. */
    public static X509TrustManager trustManager(String caFile) throws GeneralSecurityException, IOException {
        return trustManager(caFile, "");
    }

    /**
     * The trust manager of a CA file and a CA directory (Postfix's CAfile and CApath, whose CAs
     * add up), or of the JDK's CAs when both are empty.
     */
    public static X509TrustManager trustManager(String caFile, String caPath) throws GeneralSecurityException, IOException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        boolean noFile = caFile == null || caFile.isBlank();
        boolean noPath = caPath == null || caPath.isBlank();
        if (noFile && noPath) {
            factory.init((KeyStore) null);
        } else {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : noFile ? List.<Certificate>of() : certificates(caFile)) {
                store.setCertificateEntry("ca" + i++, c);
            }
            for (Certificate c : directory(caPath)) {
                store.setCertificateEntry("ca" + i++, c);
            }
            factory.init(store);
        }
        for (TrustManager m : factory.getTrustManagers()) {
            if (m instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /**
     * Sends the request to the first of {@code addresses} that takes the connection.
     *
     * @param method      GET or POST
     * @param contentType the body's type, or null for no body
     * @param maxBody     the largest response body read; a larger one is an error
     * @throws IOException when no address answers, the certificate does not check out, the time
     *                     runs out, or the answer is not HTTP or too large
     */
    public Response send(String method, Target target, List<InetAddress> addresses, String contentType, byte[] body,
                         Duration timeout, int maxBody) throws IOException {
        if (addresses.isEmpty()) {
            throw new IOException(TlsTexts.noAddress(target.host()));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        for (InetAddress address : addresses) {
            try {
                return sendTo(address, method, target, contentType, body, deadline, maxBody);
            } catch (IOException e) {
                last = e;
                if (System.nanoTime() >= deadline) {
                    break;
                }
            }
        }
        throw last;
    }

    private Response sendTo(InetAddress address, String method, Target target, String contentType, byte[] body,
                            long deadline, int maxBody) throws IOException {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(address, target.port()), remaining(deadline));
            plain.setSoTimeout(remaining(deadline));
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
                    .createSocket(plain, target.host(), target.port(), true)) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName(target.host())));
                // The JDK checks the certificate's names against the host, as a browser does (RFC 6125, RFC 2818).
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                socket.setSSLParameters(parameters);
                socket.setSoTimeout(remaining(deadline));
                socket.startHandshake();
                OutputStream out = new BufferedOutputStream(socket.getOutputStream());
                StringBuilder head = new StringBuilder()
                        .append(method).append(' ').append(target.path()).append(" HTTP/1.1\r\n")
                        .append("Host: ").append(target.hostHeader()).append("\r\n")
                        .append("User-Agent: Bulwark\r\n")
                        .append("Connection: close\r\n");
                if (contentType != null) {
                    head.append("Content-Type: ").append(contentType).append("\r\n")
                            .append("Content-Length: ").append(body.length).append("\r\n");
                }
                out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
                if (contentType != null) {
                    out.write(body);
                }
                out.flush();
                return read(socket, deadline, maxBody);
            }
        }
    }

    private static Response read(Socket socket, long deadline, int maxBody) throws IOException {
        InputStream in = socket.getInputStream();
        String status = line(in, socket, deadline);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException(TlsTexts.notHttp(status));
        }
        int code;
        try {
            code = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException(TlsTexts.notHttp(status), e);
        }
        long length = -1;
        boolean chunked = false;
        String location = "";
        String contentType = "";
        for (int i = 0; ; i++) {
            if (i >= MAX_HEADER_LINES) {
                throw new IOException(TlsTexts.httpHeaderTooLong());
            }
            String header = line(in, socket, deadline);
            if (header.isEmpty()) {
                break;
            }
            int colon = header.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = header.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).strip();
            switch (name) {
                case "content-length" -> {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IOException(TlsTexts.notHttp(header), e);
                    }
                }
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "location" -> location = value;
                case "content-type" -> contentType = value;
                default -> {
                }
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            while (true) {
                String size = line(in, socket, deadline);
                int semicolon = size.indexOf(';');
                long chunk;
                try {
                    chunk = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException(TlsTexts.notHttp(size), e);
                }
                if (chunk == 0) {
                    break;
                }
                copy(in, socket, body, chunk, deadline, maxBody);
                line(in, socket, deadline);
            }
        } else if (length >= 0) {
            if (length > maxBody) {
                throw new TooLarge(maxBody);
            }
            copy(in, socket, body, length, deadline, maxBody);
        } else {
            copy(in, socket, body, Long.MAX_VALUE, deadline, maxBody);
        }
        return new Response(code, contentType, location, body.toByteArray());
    }

    private static void copy(InputStream in, Socket socket, ByteArrayOutputStream body, long count, long deadline,
                             int maxBody) throws IOException {
        byte[] buffer = new byte[8192];
        long left = count;
        while (left > 0) {
            socket.setSoTimeout(remaining(deadline));
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                if (count == Long.MAX_VALUE) {
                    return;
                }
                throw new IOException(TlsTexts.httpCutShort());
            }
            if (body.size() + n > maxBody) {
                throw new TooLarge(maxBody);
            }
            body.write(buffer, 0, n);
            left -= n;
        }
    }

    private static String line(InputStream in, Socket socket, long deadline) throws IOException {
        socket.setSoTimeout(remaining(deadline));
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= MAX_HEADER_LINE) {
                throw new IOException(TlsTexts.httpHeaderTooLong());
            }
            line.write(b);
        }
        throw new IOException(TlsTexts.httpCutShort());
    }

    private static int remaining(long deadline) throws IOException {
        long millis = (deadline - System.nanoTime()) / 1_000_000;
        if (millis <= 0) {
            throw new java.net.SocketTimeoutException(TlsTexts.httpTimedOut());
        }
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }
}
