package org.bulwark.smtpd;

import java.io.IOException;
import java.net.Socket;
import org.bulwark.mail.SmtpReply;
import org.bulwark.protocol.SmtpInput;

/**
 * What a verb handler may do with the connection: reply, read what follows its command, and tell
 * the command loop how the conversation goes on. The loop itself (deadlines, error counting,
 * pipelining, the end of the session) stays in {@link SmtpSession}.
 */
interface SessionIo {

    /** Where the conversation stands, for "lost connection after X" lines (Postfix's names). */
    String AFTER_CONNECT = "CONNECT";
    String IN_DATA = "DATA";
    String AFTER_DOT = "END-OF-MESSAGE";

    /**
     * Queues a reply; it goes out when the client has nothing more waiting (RFC 2920). Past the
     * soft error limit, error replies are delayed (Postfix's smtpd_error_sleep_time tarpit).
     */
    void reply(SmtpReply reply) throws IOException;

    /** Replies; the command succeeded. */
    default boolean respond(SmtpReply reply) throws IOException {
        reply(reply);
        return true;
    }

    /** Replies; the command failed and counts as an error. */
    default boolean fail(SmtpReply reply) throws IOException {
        reply(reply);
        return false;
    }

    /** Sends the queued replies now. */
    void flush() throws IOException;

    /** What the client sends after the command: AUTH responses, DATA and BDAT content. */
    SmtpInput input();

    /** Message content follows; with smtpd_per_request_deadline it has its own deadline. */
    void contentFollows();

    /** The conversation has reached this point ({@link #IN_DATA}, {@link #AFTER_DOT}). */
    void reached(String where);

    /** The session ends after this command's reply. */
    void closeAfterReply();

    /** The session ends now, as if the client had gone (a failed TLS handshake). */
    void connectionLost();

    /** A message was queued: the errors so far are forgiven, as Postfix does. */
    void forgiveErrors();

    /** The connection in use: the accepted socket, or the TLS socket layered on it. For STARTTLS. */
    Socket socket();

    /** Reads and writes through this socket from now on (after a TLS handshake). */
    void switchTo(Socket socket) throws IOException;
}
