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

    private boolean tlsHandshake;
    private String tlsResult;

    /** RFC 8460 §4.3's result types of a TLS failure, for TLS reporting. */
    static final String STARTTLS_NOT_SUPPORTED = "starttls-not-supported";
    static final String CERTIFICATE_NOT_TRUSTED = "certificate-not-trusted";
    static final String CERTIFICATE_HOST_MISMATCH = "certificate-host-mismatch";
    static final String VALIDATION_FAILURE = "validation-failure";

    /** Marks this failure as a TLS failure of the given RFC 8460 result type. */
    SessionFailure tlsResult(String resultType) {
        this.tlsResult = resultType;
        return this;
    }

    /** The RFC 8460 result type when this is a TLS failure, else null. */
    String tlsResultType() {
        return tlsResult != null ? tlsResult : tlsHandshake ? VALIDATION_FAILURE : null;
    }

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
        f.tlsResult = tlsResult;
        return f;
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
}
