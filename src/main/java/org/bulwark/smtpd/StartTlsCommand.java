package org.bulwark.smtpd;

import java.io.IOException;
import javax.net.ssl.SSLSocket;
import org.bulwark.mail.SmtpReply;
import org.bulwark.protocol.Command;
import org.bulwark.protocol.Replies;
import org.bulwark.tls.TlsSummary;

/**
 * STARTTLS (RFC 3207). Input the client pipelined after the command is thrown away, not read as
 * commands inside TLS (the CVE-2011-0411 class of injection), and everything learned before the
 * handshake is forgotten (RFC 3207 §4.2): HELO, the transaction, any SASL login.
 */
final class StartTlsCommand {

    private final SmtpSession session;

    StartTlsCommand(SmtpSession session) {
        this.session = session;
    }

    boolean execute(Command command) throws IOException {
        SecuritySettings security = session.security;
        if (!security.offersStartTls() || !session.settings.offers("STARTTLS")) {
            return session.fail(Replies.NOT_IMPLEMENTED);
        }
        if (session.tls != null) {
            return session.fail(Replies.TLS_ALREADY_ACTIVE);
        }
        if (command.hasArgument()) {
            return session.fail(Replies.STARTTLS_SYNTAX);
        }
        SmtpReply tooManySessions = session.anvil.newTlsSession(session.clientAddress, session.nameAndAddress());
        if (tooManySessions != null) {
            return session.fail(tooManySessions);
        }
        session.reply(Replies.READY_TO_START_TLS);
        session.out.flush();
        if (session.in.hasReadAhead()) {
            session.log.info(SmtpdTexts.discardedAfterStartTls(session.nameAndAddress(), session.in.peekBuffered(100)));
        }
        return encrypt();
    }

    /** The handshake; on success the session reads and writes through TLS from now on. */
    boolean encrypt() throws IOException {
        SSLSocket socket;
        try {
            socket = session.security.tls().handshake(session.connection);
        } catch (IOException e) {
            session.log.info(SmtpdTexts.handshakeFailed(session.nameAndAddress(), e.getMessage()));
            session.closing = true;
            session.endReason("lost connection");
            return false;
        }
        session.useConnection(socket);
        session.tls = TlsSummary.of(socket.getSession());
        if (session.security.tlsLoglevel() >= 1) {
            session.log.info(session.tls.connectionLine(session.nameAndAddress()));
        }
        session.resetTransaction();
        session.helo = null;
        session.protocol = "SMTP";
        session.saslUsername = null;
        session.saslMethod = null;
        return true;
    }
}
