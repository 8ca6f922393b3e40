package org.bulwark.smtpd;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.bulwark.mail.SmtpReply;
import org.bulwark.protocol.SmtpInput;

/**
 * The socket a session talks through: the accepted one, or after a TLS handshake the TLS socket
 * layered on it; with its buffered output, its command input and the time limits on both
 * ({@link ConnectionDeadline}).
 */
final class Connection {

    private final Socket accepted;
    private Socket socket;
    private OutputStream out;
    private SmtpInput in;
    private final ConnectionDeadline deadline;
    /** Bytes another stage read from the accepted socket before this session (postscreen's pregreet). */
    private byte[] pending;

    Connection(Socket accepted, SmtpdSettings settings) {
        this.accepted = accepted;
        this.socket = accepted;
        this.deadline = new ConnectionDeadline(accepted, settings, DeadlineWatch.process());
    }

    Socket socket() {
        return socket;
    }

    /** Bytes read from the accepted socket before this session began; the session reads them first. */
    void readFirst(byte[] bytes) {
        pending = bytes == null || bytes.length == 0 ? null : bytes;
    }

    /** Reads and writes through this socket from now on. */
    void switchTo(Socket newSocket) throws IOException {
        socket = newSocket;
        // Replies are short; a pipelined group's replies rarely fill this. 10,000 idle sessions
        // each hold one, so it is small: a larger group just takes another write.
        out = new BufferedOutputStream(deadline.output(newSocket.getOutputStream()), 2048);
        InputStream input = newSocket.getInputStream();
        // A short read of the accepted socket itself (not TLS records, not postscreen's bytes first) drained it.
        boolean plain = newSocket == accepted;
        if (pending != null && newSocket == accepted) {
            input = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(pending), input);
            pending = null;
            plain = false;
        }
        in = new SmtpInput(deadline.input(input), out, plain);
    }

    SmtpInput input() {
        return in;
    }

    void write(SmtpReply reply) throws IOException {
        out.write(reply.wire().getBytes(StandardCharsets.UTF_8));
    }

    void flush() throws IOException {
        out.flush();
    }

    /** A last reply, if the client can still hear it. */
    void writeQuietly(SmtpReply reply) {
        try {
            write(reply);
            flush();
        } catch (IOException | RuntimeException e) {
            // The client is gone or stuck; the log line says why the session ended.
        }
    }

    /** A new command line follows: a fresh deadline (smtpd_per_request_deadline). */
    void commandFollows() {
        deadline.command();
    }

    /** Message content follows; its deadline grows with the bytes that arrive (smtpd_per_request_deadline). */
    void contentFollows() {
        deadline.content();
    }

    /**
     * The session is over: its time limits are no longer watched, and a TLS socket layered on the
     * accepted one is closed; the accepted socket is its owner's to close.
     */
    void close() {
        deadline.close();
        if (socket != accepted) {
            try {
                socket.close();
            } catch (IOException e) {
                // The connection is ending either way.
            }
        }
    }
}
