package org.bulwark.delivery.smtp;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bulwark.dns.DnsResolver;
import org.bulwark.dns.DnsResult;
import org.bulwark.tls.HttpsRequest;

/**
 * Fetches {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} as RFC 8461 §3.3 asks: TLS 1.2
 * or later, a certificate valid for {@code mta-sts.<domain>} from a CA the system trusts (or one
 * of {@code smtp_tls_CAfile}), status 200 with {@code text/plain}, no redirects followed, within
 * a size and a time limit. The host name is resolved through {@code dns_servers}, never the
 * machine's resolver; the HTTPS exchange itself is {@link HttpsRequest}'s.
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

    private static final String PATH = "/.well-known/mta-sts.txt";

    private final DnsResolver dns;
    private final HttpsRequest https;
    private final int port;
    private final Duration timeout;
    private final int sizeLimit;
    private final boolean ipv4;
    private final boolean ipv6;

    /**
     * @param caFile    {@code smtp_tls_CAfile}: CAs trusted besides the system's; empty for none
     * @param caPath    {@code smtp_tls_CApath}: a directory of more such CAs; empty for none
     * @param port      443, another in tests
     * @param timeout   for the whole fetch: connect, handshake, request and response
     * @param sizeLimit the most bytes of policy accepted
     */
    MtaStsFetcher(DnsResolver dns, String caFile, int port, Duration timeout, int sizeLimit, String inetProtocols) {
        this(dns, caFile, "", port, timeout, sizeLimit, inetProtocols);
    }

    MtaStsFetcher(DnsResolver dns, String caFile, String caPath, int port, Duration timeout, int sizeLimit,
            String inetProtocols) {
        this.dns = dns;
        try {
            this.https = HttpsRequest.trustingAlso(caFile, caPath);
        } catch (IOException e) {
            throw new IllegalArgumentException(SmtpTexts.tlsSetupFailed(caPath.isBlank() ? "smtp_tls_CAfile"
                    : "smtp_tls_CAfile/smtp_tls_CApath", caPath.isBlank() ? caFile : caFile + " " + caPath,
                    e.getMessage()), e);
        }
        this.port = port;
        this.timeout = timeout;
        this.sizeLimit = sizeLimit;
        String p = inetProtocols.toLowerCase(Locale.ROOT);
        this.ipv4 = p.isBlank() || p.contains("all") || p.contains("ipv4");
        this.ipv6 = p.isBlank() || p.contains("all") || p.contains("ipv6");
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
            throw new FetchFailure(TlsSessionReports.STS_POLICY_FETCH_ERROR, addresses.isTemporaryFailure()
                    ? SmtpTexts.hostNotFoundTryAgain(host, "A") : SmtpTexts.hostNotFound(host, "A"));
        }
        FetchFailure last = null;
        for (InetAddress address : usable) {
            try {
                return fetch(host, address, deadline);
            } catch (FetchFailure f) {
                last = f;
                // A certificate that does not check out is the domain's, not this address's.
                if (!f.resultType().equals(TlsSessionReports.STS_POLICY_FETCH_ERROR) || System.nanoTime() >= deadline) {
                    break;
                }
            }
        }
        throw last;
    }

    /** One address, so that a failure can name it. */
    private String fetch(String host, InetAddress address, long deadline) throws FetchFailure {
        String where = host + "[" + address.getHostAddress() + "]:" + port;
        HttpsRequest.Response answer;
        try {
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            if (left.isNegative() || left.isZero()) {
                throw new SocketTimeoutException();
            }
            answer = https.send("GET", new HttpsRequest.Target(host, port, PATH), List.of(address), null, null, left,
                    sizeLimit);
        } catch (SocketTimeoutException e) {
            throw failure(where, "timed out");
        } catch (HttpsRequest.TooLarge e) {
            throw failure(where, SmtpTexts.stsTooLarge(sizeLimit));
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (certificateProblem(e)) {
                throw new FetchFailure(TlsSessionReports.STS_WEBPKI_INVALID, SmtpTexts.stsFetchFailed(where, why));
            }
            throw failure(where, why);
        } catch (IllegalArgumentException e) {
            // SNIHostName refuses a name that is not a valid host name.
            throw failure(where, e.getMessage());
        }
        if (answer.status() != 200) {
            // RFC 8461 §3.3: redirects are not followed; any other status is a failed fetch.
            throw failure(where, "HTTP status " + answer.status());
        }
        String type = answer.contentType().toLowerCase(Locale.ROOT);
        if (!(type.equals("text/plain") || type.startsWith("text/plain;"))) {
            throw failure(where, "Content-Type is " + (type.isEmpty() ? "missing" : type) + ", not text/plain");
        }
        return new String(answer.body(), StandardCharsets.UTF_8);
    }

    private static FetchFailure failure(String where, String why) {
        return new FetchFailure(TlsSessionReports.STS_POLICY_FETCH_ERROR, SmtpTexts.stsFetchFailed(where, why));
    }

    private static boolean certificateProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                return true;
            }
        }
        return false;
    }
}
