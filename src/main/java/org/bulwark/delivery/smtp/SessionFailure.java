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

    SessionFailure(boolean temporary, String dsn, String text, boolean tryNextServer) {
        super(text, null, false, false);
        this.temporary = temporary;
        this.dsn = dsn;
        this.tryNextServer = tryNextServer;
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
