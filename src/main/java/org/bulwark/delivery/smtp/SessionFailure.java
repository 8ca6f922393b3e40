package org.bulwark.delivery.smtp;

/**
 * Why a connection could not carry the mail: every recipient still open gets this status.
 * {@code tryNextServer} says whether another MX might do better (a refused connection or a
 * greeting refusal), as opposed to a problem with this message.
 */
final class SessionFailure extends Exception {

    private final boolean temporary;
    private final String dsn;
    private final boolean tryNextServer;
    private final boolean connected;

    SessionFailure(boolean temporary, String dsn, String text, boolean tryNextServer) {
        this(temporary, dsn, text, tryNextServer, true);
    }

    private SessionFailure(boolean temporary, String dsn, String text, boolean tryNextServer, boolean connected) {
        super(text, null, false, false);
        this.temporary = temporary;
        this.dsn = dsn;
        this.tryNextServer = tryNextServer;
        this.connected = connected;
    }

    /** No TCP connection came about: the log shows {@code relay=none}, and the next server is tried. */
    static SessionFailure notConnected(String text) {
        return new SessionFailure(true, "4.4.1", text, true, false);
    }

    /**
     * The server's TLS policy could not be settled (a TLSA lookup failed, {@code dane-only} found no
     * DANE): the server is skipped unconnected, and the mail stays deferred (Postfix: 4.7.5).
     */
    static SessionFailure policy(String text) {
        return new SessionFailure(true, "4.7.5", text, true, false);
    }

    /**
     * The server was passed over before connecting for a reason that says nothing about it (Postfix's
     * wrapper mode below {@code encrypt}): when no server is left, Postfix's "4.3.0 server unavailable".
     */
    static SessionFailure skipped() {
        return new SessionFailure(true, "4.3.0", SmtpTexts.SERVER_UNAVAILABLE, true, false);
    }

    private boolean tlsHandshake;

    /** The TLS handshake failed: at level {@code may} the server is tried again without TLS. */
    static SessionFailure tlsHandshake(String text) {
        SessionFailure f = new SessionFailure(true, "4.7.5", text, true);
        f.tlsHandshake = true;
        return f;
    }

    /** The same failure with another text (the MTA-STS policy named in front of it). */
    SessionFailure withText(String text) {
        SessionFailure f = new SessionFailure(temporary, dsn, text, tryNextServer, connected);
        f.tlsHandshake = tlsHandshake;
        return keepingTlsReport(f);
    }

    boolean tlsHandshakeFailed() {
        return tlsHandshake;
    }

    boolean connected() {
        return connected;
    }

    static SessionFailure deferred(String text, boolean tryNextServer) {
        return new SessionFailure(true, "4.4.2", text, tryNextServer);
    }

    boolean temporary() {
        return temporary;
    }

    String dsn() {
        return dsn;
    }

    String text() {
        return getMessage();
    }

    boolean tryNextServer() {
        return tryNextServer;
    }

    private String tlsResult;
    private String tlsReason = "";
    private TlsReportPolicy tlsPolicy;
    private String sendingIp = "";

    /**
     * Marks this failure as a TLS failure for SMTP TLS Reporting (RFC 8460 §4.3 result-type).
     *
     * @param policy the policy to report, when the failure knows it better than the session's TLS
     *               policy does (the TLSA records of a policy that failed); null otherwise
     */
    SessionFailure tlsReport(String resultType, String reason, TlsReportPolicy policy) {
        this.tlsResult = resultType;
        this.tlsReason = reason;
        this.tlsPolicy = policy;
        return this;
    }

    SessionFailure tlsReport(String resultType, String reason) {
        return tlsReport(resultType, reason, null);
    }

    /** The RFC 8460 result-type, or null for a failure that is not about TLS. */
    String tlsResult() {
        return tlsResult;
    }

    String tlsReason() {
        return tlsReason;
    }

    TlsReportPolicy tlsPolicy() {
        return tlsPolicy;
    }

    String sendingIp() {
        return sendingIp;
    }

    void sentFrom(String address) {
        this.sendingIp = address;
    }

    /** A copy with other delivery facts that keeps this one's TLS-RPT facts. */
    SessionFailure keepingTlsReport(SessionFailure copy) {
        copy.tlsResult = tlsResult;
        copy.tlsReason = tlsReason;
        copy.tlsPolicy = tlsPolicy;
        copy.sendingIp = sendingIp;
        return copy;
    }
}
