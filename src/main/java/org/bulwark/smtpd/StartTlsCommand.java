package org.bulwark.smtpd;

import java.io.IOException;
import javax.net.ssl.SSLSocket;
import org.bulwark.mail.SmtpReply;
import org.bulwark.protocol.Command;
import org.bulwark.protocol.Replies;
import org.bulwark.tls.ClientCertificate;
import org.bulwark.tls.ServerTls;
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

    /**
     * The handshake; on success the session reads and writes through TLS from now on. With
     * smtpd_tls_req_ccert a client without a verified certificate gets Postfix's 421 and the
     * connection ends.
     */
    boolean encrypt() throws IOException {
        ServerTls.Established established;
        try {
            established = session.security.tls().handshake(session.connection);
        } catch (IOException e) {
            session.log.info(SmtpdTexts.handshakeFailed(session.nameAndAddress(), e.getMessage()));
            session.closing = true;
            session.endReason("lost connection");
            return false;
        }
        SSLSocket socket = established.socket();
        session.useConnection(socket);
        session.tls = established.summary();
        logHandshake(session.tls);
        ClientCertificate peer = session.tls.clientCertificate();
        if (session.security.tls().requiresClientCertificate() && (peer == null || !peer.trusted())) {
            String why = SmtpdTexts.clientCertificateProblem(peer != null);
            session.log.info(SmtpdTexts.abortWithoutTrustedCertificate(session.nameAndAddress(), why));
            session.reply(SmtpdTexts.trustedCertificateRequired(session.settings.myhostname(), why));
            session.out.flush();
            session.closing = true;
            return false;
        }
        session.resetTransaction();
        session.helo = null;
        session.protocol = "SMTP";
        session.saslUsername = null;
        session.saslMethod = null;
        return true;
    }

    /**
     * Postfix's lines: certificate names and fingerprints at smtpd_tls_loglevel 2, why a
     * certificate did not verify at 2 or when one is required, then the summary at 1.
     */
    private void logHandshake(TlsSummary tls) {
        int level = session.security.tlsLoglevel();
        ClientCertificate peer = tls.clientCertificate();
        if (peer != null && level >= 2) {
            session.log.info(peer.logLine(session.nameAndAddress()));
        }
        if (peer != null && !peer.trusted() && (level >= 2 || session.security.tls().requiresClientCertificate())) {
            session.log.info(peer.verificationFailedLine(session.nameAndAddress()));
        }
        if (level >= 1) {
            session.log.info(tls.connectionLine(session.nameAndAddress()));
        }
    }
}
